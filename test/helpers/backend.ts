import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { openBackend, startBackend, type BackendHost, type BackendOptions } from '../../db/backend/host.js';
import { ROOT, SEEDS_DIR } from './db.js';

/** The backend host as browser mode runs it (its workers run db/backend/worker.ts through tsx). */
export function backendForTests(dbFile: string, options: { now?: () => number; checksAfterMs?: number } = {}): Promise<BackendHost> {
  return startBackend(testOptions(dbFile, options));
}

/** The same, handed back at once, before its workers have opened the file. */
export function openBackendForTests(dbFile: string): { host: BackendHost; ready: Promise<BackendHost> } {
  return openBackend(testOptions(dbFile));
}

function testOptions(dbFile: string, options: { now?: () => number; checksAfterMs?: number } = {}): BackendOptions {
  return {
    dbFile,
    seedsDir: SEEDS_DIR,
    mode: 'browser',
    appVersion: 'test',
    workerScript: path.join(ROOT, 'db', 'backend', 'worker.ts'),
    tsxApi: pathToFileURL(path.join(ROOT, 'node_modules', 'tsx', 'dist', 'esm', 'api', 'index.mjs')).href,
    log: () => {},
    ...options,
  };
}
