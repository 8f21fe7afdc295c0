import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startBackend, type BackendHost } from '../../db/backend/host.js';
import { ROOT, SEEDS_DIR } from './db.js';

/** The backend host as browser mode runs it (its workers run db/backend/worker.ts through tsx). */
export function backendForTests(dbFile: string, options: { now?: () => number } = {}): Promise<BackendHost> {
  return startBackend({
    dbFile,
    seedsDir: SEEDS_DIR,
    mode: 'browser',
    appVersion: 'test',
    workerScript: path.join(ROOT, 'db', 'backend', 'worker.ts'),
    tsxApi: pathToFileURL(path.join(ROOT, 'node_modules', 'tsx', 'dist', 'esm', 'api', 'index.mjs')).href,
    log: () => {},
    ...options,
  });
}
