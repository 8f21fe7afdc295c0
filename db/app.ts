import { openDatabase, type Connection, type OpenOptions } from './connection.js';
import { importSeedsOnFirstStart } from './seeds.js';
import { createHandlers, type ServiceContext } from './service.js';
import type { Handlers } from '../core/api.js';

export interface AppBackend {
  readonly conn: Connection;
  readonly handlers: Handlers;
  readonly seeded: number;
}

/** Opens (and migrates) the database, imports the seeds on first start, and builds the API handlers. */
export function openBackend(options: {
  dbFile: string;
  seedsDir: string;
  mode: ServiceContext['mode'];
  appVersion: string;
  open?: OpenOptions;
}): AppBackend {
  const conn = openDatabase(options.dbFile, options.open);
  try {
    const seeded = importSeedsOnFirstStart(conn, options.seedsDir);
    return { conn, handlers: createHandlers({ conn, mode: options.mode, appVersion: options.appVersion }), seeded };
  } catch (error) {
    conn.close();
    throw error;
  }
}
