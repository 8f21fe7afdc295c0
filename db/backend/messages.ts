// What the backend host (db/backend/host.ts) and its workers (db/backend/worker.ts) say to each
// other over their MessagePort. Plain data only: every message is structured-cloned.
import type { Caller, Method } from '../../core/api.js';
import type { CheckOutcome } from '../checks.js';

/** The writer, reader and checker serve the app; a restorer swaps a backup in while none of them runs. */
export type WorkerRole = 'writer' | 'reader' | 'checker' | 'restorer';

export interface WorkerConfig {
  readonly role: WorkerRole;
  readonly dbFile: string;
  readonly seedsDir: string;
  readonly mode: 'electron' | 'browser';
  readonly appVersion: string;
  readonly nativeBinding?: string | undefined;
  /** The site and its audit key, handed to the reader and checker once the writer has opened the file. */
  readonly site?: { readonly siteId: string; readonly key: Uint8Array | null; readonly where: string } | undefined;
  /**
   * Started while the writer opens the file (so that loading the worker does not wait for it):
   * the worker opens the file once the host sends the site and key the writer opened it with.
   */
  readonly awaitSite?: boolean | undefined;
  /** The restorer's backup file. */
  readonly restoreFrom?: string | undefined;
}

export type ToWorker =
  /** The answer to 'key-needed': the site id to use (the file's, or a new one) and its key. */
  | { readonly type: 'key'; readonly siteId: string; readonly key: Uint8Array | null; readonly where: string }
  /** To a worker started with awaitSite: the writer has opened the file; open it with this site and key. */
  | { readonly type: 'site'; readonly site: NonNullable<WorkerConfig['site']> | null }
  | { readonly type: 'call'; readonly id: number; readonly method: Method; readonly input: unknown; readonly caller: Caller }
  /** The checks failed: refuse every write from now on. */
  | { readonly type: 'freeze'; readonly reason: string }
  | { readonly type: 'close' };

export type FromWorker =
  /** The writer, before it opens the file: the site id the file has (null: none yet), for its key. */
  | { readonly type: 'key-needed'; readonly siteId: string | null }
  | { readonly type: 'ready'; readonly seeded: number; readonly siteId: string | null }
  /** A call's answer as JSON (a string crosses threads as one copy, and browser mode sends it on as it is), and the little the host reads of it. */
  | { readonly type: 'result'; readonly id: number; readonly json: string; readonly ok: boolean; readonly code: string | null }
  | { readonly type: 'progress'; readonly id: number; readonly label: string; readonly done: number; readonly total: number }
  | { readonly type: 'check-step'; readonly step: string }
  | { readonly type: 'checked'; readonly outcome: CheckOutcome; readonly backup: string | null }
  | { readonly type: 'restored'; readonly keptAside: string | null }
  | { readonly type: 'fatal'; readonly message: string; readonly code?: 'invalid_input' | 'not_found' | 'conflict' | 'database' | undefined; readonly systemCode?: string | undefined }
  | { readonly type: 'closed' };
