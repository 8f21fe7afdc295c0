// What the backend host (db/backend/host.ts) and its workers (db/backend/worker.ts) say to each
// other over their MessagePort. Plain data only: every message is structured-cloned.
import type { ApiResult, Caller, Method } from '../../core/api.js';
import type { CheckOutcome } from '../checks.js';

export type WorkerRole = 'writer' | 'reader' | 'checker';

export interface WorkerConfig {
  readonly role: WorkerRole;
  readonly dbFile: string;
  readonly seedsDir: string;
  readonly mode: 'electron' | 'browser';
  readonly appVersion: string;
  readonly nativeBinding?: string | undefined;
}

export type ToWorker =
  | { readonly type: 'call'; readonly id: number; readonly method: Method; readonly input: unknown; readonly caller: Caller }
  /** The checks failed: refuse every write from now on. */
  | { readonly type: 'freeze'; readonly reason: string }
  | { readonly type: 'close' };

export type FromWorker =
  | { readonly type: 'ready'; readonly seeded: number }
  | { readonly type: 'result'; readonly id: number; readonly result: ApiResult<unknown> }
  | { readonly type: 'progress'; readonly id: number; readonly label: string; readonly done: number; readonly total: number }
  | { readonly type: 'check-step'; readonly step: string }
  | { readonly type: 'checked'; readonly outcome: CheckOutcome; readonly backup: string | null }
  | { readonly type: 'fatal'; readonly message: string }
  | { readonly type: 'closed' };
