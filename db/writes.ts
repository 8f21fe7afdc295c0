// What a service handler needs to write, shared by the service's parts (db/service*.ts).
import type { Actor, CallContext } from '../core/api.js';
import type { Clock } from './rows.js';
import type { WritableDB } from './types.js';

/** What a handler needs to write: one transaction, audited as this method, for this person, with its reason. */
export interface Writes {
  readonly clock: () => Clock;
  write<T>(method: string, ctx: CallContext, reason: string | null | undefined, fn: (db: WritableDB, by: Actor) => T): T;
  /** Checks the person's passphrase (counting wrong ones, which is kept whatever happens next); throws when it does not match. */
  signature(ctx: CallContext, passphrase: string): Actor;
}
