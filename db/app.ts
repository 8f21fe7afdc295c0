import { verifyAudit } from './audit.js';
import { openDatabase, type Connection, type OpenOptions } from './connection.js';
import { importSeedsOnFirstStart } from './seeds.js';
import { createHandlers, type ServiceContext } from './service.js';
import type { Handlers } from '../core/api.js';

export interface AppBackend {
  readonly conn: Connection;
  readonly handlers: Handlers;
  readonly seeded: number;
  /** The audit trail's check at start: null when intact, else what is wrong. */
  readonly auditProblem: string | null;
}

/** Opens (and migrates) the database, imports the seeds on first start, and builds the API handlers. */
export function openBackend(options: {
  dbFile: string;
  seedsDir: string;
  mode: ServiceContext['mode'];
  appVersion: string;
  open?: OpenOptions;
}): AppBackend {
  const appStart = options.mode !== 'cli';
  const conn = openDatabase(options.dbFile, { ...options.open, checkIntegrity: appStart });
  try {
    const seeded = importSeedsOnFirstStart(conn, options.seedsDir);
    const audit = appStart ? conn.read(verifyAudit) : null;
    return {
      conn,
      handlers: createHandlers({ conn, mode: options.mode, appVersion: options.appVersion }),
      seeded,
      auditProblem: audit && !audit.ok ? `Audit trail broken at row ${audit.firstBadId}: ${audit.problem}` : null,
    };
  } catch (error) {
    conn.close();
    throw error;
  }
}
