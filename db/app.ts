// The service in this process, for the command line (and the tests): the database opened and
// migrated, the seeds imported on first start, and the API's handlers with the one dispatch.
// The desktop app and browser mode use the backend host instead (db/backend/host.ts), which runs
// the same handlers in worker threads.
import type { ApiResult, Caller, Handlers, Input, Method } from '../core/api.js';
import { openDatabase, type Connection, type OpenOptions } from './connection.js';
import { dispatch } from './dispatch.js';
import { importSeedsOnFirstStart } from './seeds.js';
import { createHandlers, type ServiceContext } from './service.js';

export interface LocalBackend {
  readonly conn: Connection;
  readonly handlers: Handlers;
  readonly seeded: number;
  /** One call through the dispatch: the caller's roles checked, the input parsed. */
  call<M extends Method>(method: M, input: Input<M>, caller: Caller): ApiResult<unknown>;
}

export function openLocalBackend(options: {
  dbFile: string;
  seedsDir: string;
  mode?: ServiceContext['mode'];
  appVersion: string;
  open?: OpenOptions;
  now?: () => Date;
  log?: (e: unknown) => void;
}): LocalBackend {
  const conn = openDatabase(options.dbFile, options.open);
  try {
    const seeded = importSeedsOnFirstStart(conn, options.seedsDir);
    const handlers = createHandlers({ conn, mode: options.mode ?? 'cli', appVersion: options.appVersion, ...(options.now ? { now: options.now } : {}) });
    return { conn, handlers, seeded, call: (method, input, caller) => dispatch(conn, handlers, method, input, caller, options.log) };
  } catch (error) {
    conn.close();
    throw error;
  }
}
