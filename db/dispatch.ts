// The single entry for every transport (the backend's workers, the CLI): checks the method name,
// resolves the caller to a person and checks their roles for the method before it parses further,
// parses the input with the contract's schema, runs the handler, and turns every failure into an
// error body a person can read. Unexpected errors are reported without internals.
import { ZodError } from 'zod';
import { contract, isMethod, type Actor, type ApiErrorBody, type ApiResult, type Caller, type CallContext, type Handlers, type Method } from '../core/api.js';
import { describeInputIssues, plainIssue } from '../core/input-errors.js';
import { ROLE_WORDS, type Role } from '../core/vocabulary.js';
import { AppError } from './errors.js';
import { MissingKeyError } from './keys.js';
import { actorFor } from './people.js';
import type { Connection } from './connection.js';

/** Methods a person whose passphrase an administrator chose may still call: they set their own first. */
const BEFORE_OWN_PASSPHRASE: ReadonlySet<Method> = new Set(['appInfo', 'currentSession', 'changePassphrase', 'signOut', 'signIn', 'unlock']);

export function dispatch(conn: Connection, handlers: Handlers, method: unknown, rawInput: unknown, caller: Caller, log: (e: unknown) => void = console.error): ApiResult<unknown> {
  if (!isMethod(method)) return fail({ code: 'unknown_method', message: 'The app asked for something this version does not know. Restart it.', details: [] });
  try {
    const ctx = authorize(conn, method, caller);
    const parsed = contract[method].input.safeParse(rawInput ?? {}, { reportInput: true });
    if (!parsed.success) {
      const details = describeInputIssues(parsed.error);
      return fail({ code: 'invalid_input', message: details[0] ?? 'The input is not valid.', details });
    }
    const handler = handlers[method] as (input: unknown, ctx: CallContext) => unknown;
    return { ok: true, value: handler(parsed.data, ctx) };
  } catch (error) {
    if (error instanceof AppError) return fail({ code: error.code, message: error.message, details: error.details });
    if (error instanceof MissingKeyError) return fail({ code: 'database', message: error.message, details: [] });
    if (error instanceof ZodError) {
      const details = error.issues.map((i) => `${plainIssue(i)}.`);
      return fail({ code: 'invalid_input', message: details[0] ?? 'The input is not valid.', details });
    }
    if (isBusy(error)) return fail({ code: 'database', message: 'The database is busy: another Trial Coordinator process is writing. Try again.', details: [] });
    log(error);
    return fail({ code: 'internal', message: 'An unexpected error occurred; nothing was changed. The details are in the log.', details: [] });
  }
}

/** Who the caller is and whether they may call this method: refused calls say which role they need. */
export function authorize(conn: Connection, method: Method, caller: Caller): CallContext {
  const access = contract[method].access;
  if (access.kind === 'public') {
    const actor = caller.kind === 'person' ? conn.read((db) => actorFor(db, caller.initials)) : null;
    return { actor, seesArms: actor?.roles.includes('unblinded') ?? false, reader: caller.kind === 'local-reader' };
  }
  if (caller.kind === 'local-reader') {
    if (access.kind === 'read') return { actor: null, seesArms: false, reader: true };
    throw new AppError('unauthorized', 'Sign in to make changes.');
  }
  if (caller.kind === 'nobody') throw new AppError('unauthorized', 'Sign in first.');
  const actor = conn.read((db) => actorFor(db, caller.initials));
  if (!actor) throw new AppError('unauthorized', `${caller.initials} is not someone who can sign in here (unknown or disabled).`);
  if (actor.mustChangePassphrase && !BEFORE_OWN_PASSPHRASE.has(method)) throw new AppError('forbidden', 'Choose your own passphrase first: the one you have was set by an administrator.');
  if (access.kind === 'write' && !access.roles.some((r) => actor.roles.includes(r))) throw new AppError('forbidden', refusal(access.roles));
  if (access.kind === 'read' && actor.roles.length === 0) throw new AppError('forbidden', 'You have no role here: ask an administrator.');
  return { actor, seesArms: actor.roles.includes('unblinded'), reader: false };
}

function refusal(roles: readonly Role[]): string {
  const words = roles.map((r) => ROLE_WORDS[r].toLowerCase());
  const list = words.length === 1 ? words[0] : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
  return `This needs the ${list} role.`;
}

/** The person a write is recorded for: every write method has one (authorize refused the rest). */
export function writer(ctx: CallContext): Actor {
  if (!ctx.actor) throw new AppError('unauthorized', 'Sign in to make changes.');
  return ctx.actor;
}

function isBusy(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && (error.code === 'SQLITE_BUSY' || error.code === 'SQLITE_LOCKED');
}

function fail(error: ApiErrorBody): ApiResult<never> {
  return { ok: false, error };
}
