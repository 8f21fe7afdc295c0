// What every CLI command needs to call the API: a typed call that turns a refusal into the
// command's one-line error, and who is doing it.
import os from 'node:os';
import type { ApiResult, Input, Method, Output } from '../core/api.js';
import type { AppBackend } from '../db/app.js';
import { dispatch } from '../db/service.js';

export type Fail = (message: string, details?: readonly string[]) => never;

export function apiCaller(b: AppBackend, fail: Fail) {
  return <M extends Method>(method: M, input: Input<M>): Output<M> => {
    const r = dispatch(b.handlers, method, input) as ApiResult<Output<M>>;
    if (!r.ok) return fail(r.error.message, r.error.details);
    return r.value;
  };
}

/** --by, else $TRIALCOORD_USER, else the login name: written beside every change. */
export function whoIs(flag: string | undefined): string {
  return flag ?? process.env.TRIALCOORD_USER ?? os.userInfo().username;
}
