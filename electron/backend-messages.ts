// What the main process and the backend utility process (electron/backend.ts) say to each other.
import type { ApiResult } from '../core/api.js';

export interface BackendConfig {
  readonly dbFile: string;
  readonly seedsDir: string;
  readonly appVersion: string;
  readonly workerScript: string;
  readonly nativeBinding?: string | undefined;
  /** Where the keys are, for messages. */
  readonly keysWhere: string;
}

export type ToBackend =
  | { readonly type: 'start'; readonly config: BackendConfig }
  | { readonly type: 'call'; readonly id: number; readonly session: string; readonly method: string; readonly input: unknown }
  | { readonly type: 'new-session'; readonly id: number }
  /** The main process's answer to a key question: the key (base64) or null, or why it failed. */
  | { readonly type: 'key-answer'; readonly id: number; readonly key: string | null; readonly error: string | null }
  | { readonly type: 'close' };

export type FromBackend =
  | { readonly type: 'ready' }
  | { readonly type: 'fatal'; readonly message: string }
  | { readonly type: 'checked'; readonly ok: boolean; readonly problem: string | null }
  | { readonly type: 'result'; readonly id: number; readonly result: ApiResult<unknown> }
  | { readonly type: 'session'; readonly id: number; readonly session: string }
  /** The audit keys are sealed by the main process (safeStorage is there): load one, or make one for a new site. */
  | { readonly type: 'key'; readonly id: number; readonly op: 'load' | 'create'; readonly siteId: string }
  | { readonly type: 'closed' };
