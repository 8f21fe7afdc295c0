// The participant import's planner thread (db/import-planner.ts): plans participants ahead of the
// writer and hands each batch back. Built beside the bundles that import (dist/cli, dist/electron).
import { workerData } from 'node:worker_threads';
import { runPlannerThread } from './import-planner.js';

runPlannerThread(workerData as Parameters<typeof runPlannerThread>[0]);
