// The backend host: the one door to the service for the desktop window (Electron's utility
// process) and browser mode (the HTTP server). It never runs SQL: it keeps the sign-in sessions
// (who, locked after idling), routes each call to a worker (db/backend/worker.ts) — writes to
// the writer, reads to the reader, so a read never waits behind a long write — and reports the
// start-up checks, which a checker worker runs after the first screen is up.
import crypto from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { accessOf, isHostMethod, isMethod, type ApiResult, type AppInfo, type BackendStatus, type Caller, type Method, type SessionView } from '../../core/api.js';
import type { RestoreResult } from '../../core/api-types.js';
import { AppError } from '../errors.js';
import type { CheckOutcome } from '../checks.js';
import { lastCheck } from '../checks.js';
import { fileKeys, newSiteId, type SiteKeys } from '../keys.js';
import { Answer } from './answer.js';
import type { FromWorker, ToWorker, WorkerConfig, WorkerRole } from './messages.js';

/** The site keys as the host reaches them: files here, or (the desktop app) the main process's sealed store. */
export interface HostKeys {
  load(siteId: string): Promise<Buffer | null>;
  create(siteId: string): Promise<Buffer>;
  readonly where: string;
}

export function hostKeys(keys: SiteKeys): HostKeys {
  return { where: keys.where, load: async (id) => keys.load(id), create: async (id) => keys.create(id) };
}

export interface BackendOptions extends Omit<WorkerConfig, 'role' | 'site'> {
  /** The worker's entry: db/backend/worker.ts from source (run through tsx), or the built worker. */
  readonly workerScript: string;
  /** For a TypeScript entry: the tsx loader's `esm/api` module to register first. */
  readonly tsxApi?: string | undefined;
  /** Where unexpected errors go (the log file). */
  readonly log?: (message: string) => void;
  /** The clock, for the idle lock (tests set it). */
  readonly now?: () => number;
  /** Where the sites' audit keys are (default: the key files, db/keys.ts). */
  readonly keys?: HostKeys;
  /** The start-up checks begin at the first sign-in, or this long after the first screen can be shown (default 3 s). */
  readonly checksAfterMs?: number;
}

export interface BackendHost {
  readonly dbFile: string;
  readonly seeded: number;
  /** Calls a method for the person signed in on this session (null or unknown: nobody yet). */
  call(session: string | null, method: unknown, input: unknown): Promise<ApiResult<unknown>>;
  /** The same call, answered as the worker wrote it: JSON, with whether it succeeded and the error's code. */
  callJson(session: string | null, method: unknown, input: unknown): Promise<Answer>;
  /** A new session key, for a window or a browser cookie; it is nobody until someone signs in on it. */
  newSession(): string;
  endSession(session: string): void;
  status(): BackendStatus;
  /** Resolves with the start-up checks' outcome. */
  readonly checked: Promise<CheckOutcome>;
  close(): Promise<void>;
}

interface Session {
  initials: string | null;
  lastActive: number;
  locked: boolean;
}

/** Methods that neither keep a session awake nor are refused while it is locked. */
const PASSIVE = new Set<string>(['appInfo', 'currentSession', 'backendStatus']);
const WHILE_LOCKED = new Set<string>(['appInfo', 'currentSession', 'backendStatus', 'unlock', 'signOut']);

class WorkerLink {
  private worker!: Worker;
  private readonly pending = new Map<number, (r: Answer) => void>();
  private ready!: Promise<number>;
  private closing = false;
  private started = false;
  private gone = false;
  private restarts = 0;
  /** The site id the worker opened the file with. */
  readySite: string | null = null;
  /** The restorer's answer: where the replaced file was kept. */
  keptAside: string | null = null;

  constructor(
    private readonly role: WorkerRole,
    private readonly options: BackendOptions,
    private readonly onMessage: (m: FromWorker) => void,
    private site?: WorkerConfig['site'],
    private readonly restoreFrom?: string,
    /** Started before the writer has opened the file: it waits for giveSite. */
    private awaitSite = false,
  ) {
    this.start();
  }

  private start(): void {
    const { workerScript, tsxApi, log: _log, now: _now, keys: _keys, checksAfterMs: _after, ...rest } = this.options;
    const workerData: WorkerConfig = { ...rest, role: this.role, site: this.site, restoreFrom: this.restoreFrom, awaitSite: this.awaitSite };
    this.gone = false;
    // From source the entry is TypeScript: the worker registers tsx's loader, then imports it.
    this.worker = workerScript.endsWith('.ts')
      ? new Worker(`import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(new URL(`file://${workerScript}`).href)}); })`, { eval: true, workerData })
      : new Worker(workerScript, { workerData });
    this.ready = new Promise((resolve, reject) => {
      this.worker.on('message', (m: FromWorker) => {
        if (m.type === 'key-needed') void this.answerKey(m.siteId);
        else if (m.type === 'ready') {
          this.started = true;
          this.readySite = m.siteId;
          resolve(m.seeded);
        }
        else if (m.type === 'restored') {
          this.keptAside = m.keptAside;
          resolve(0);
        } else if (m.type === 'fatal') reject(m.code ? new AppError(m.code, m.message) : Object.assign(new Error(m.message), m.systemCode ? { code: m.systemCode } : {}));
        else if (m.type === 'result') {
          this.pending.get(m.id)?.(Answer.fromJson(m.json, m.ok, m.code));
          this.pending.delete(m.id);
        }
        this.onMessage(m);
      });
      this.worker.on('error', (e) => {
        this.options.log?.(`backend ${this.role} worker: ${e.stack ?? e.message}`);
        reject(e);
      });
      this.worker.on('exit', () => this.exited());
    });
    this.ready.catch(() => {});
  }

  private exited(): void {
    this.gone = true;
    const lost = [...this.pending.values()];
    this.pending.clear();
    for (const resolve of lost)
      resolve(Answer.of({ ok: false, error: { code: 'internal', message: 'An unexpected error occurred; the change may not have been saved. Look at the record before trying again.', details: [] } }));
    // A reader or writer that stops after it started is started again: no request may take the
    // backend down. One that cannot start (a file it cannot open) is not retried in a loop.
    if (!this.closing && (this.role === 'writer' || this.role === 'reader') && this.started && this.restarts < 20) {
      this.restarts++;
      this.started = false;
      this.start();
    }
  }

  /** The writer's question before it opens the file: the site's key, or a new site and key for a new file. */
  private async answerKey(existing: string | null): Promise<void> {
    const keys = this.options.keys ?? hostKeys(fileKeys());
    try {
      const siteId = existing ?? newSiteId();
      // A restorer checks a backup with the key it has: it never makes one.
      const key = existing ? await keys.load(existing) : this.role === 'restorer' ? null : await keys.create(siteId);
      this.post({ type: 'key', siteId, key, where: keys.where });
    } catch (e) {
      this.options.log?.(`audit key: ${e instanceof Error ? e.message : String(e)}`);
      this.post({ type: 'key', siteId: existing ?? newSiteId(), key: null, where: keys.where });
    }
  }

  /** For a worker started with awaitSite: the site and key the writer opened the file with (kept for a restart). */
  giveSite(site: WorkerConfig['site']): void {
    this.site = site;
    this.awaitSite = false;
    this.post({ type: 'site', site: site ?? null });
  }

  /** Ends a worker that will not be needed (its writer could not open the file). */
  async abandon(): Promise<void> {
    this.closing = true;
    await this.worker.terminate();
  }

  /** Resolves once the worker has opened the file (with the number of seed protocols the writer imported). */
  whenReady(): Promise<number> {
    return this.ready;
  }

  call(id: number, method: Method, input: unknown, caller: Caller): Promise<Answer> {
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.post({ type: 'call', id, method, input, caller });
    });
  }

  post(m: ToWorker): void {
    this.worker.postMessage(m);
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.ready.catch(() => {});
    if (this.gone) return;
    await new Promise<void>((resolve) => {
      this.worker.once('exit', () => resolve());
      this.post({ type: 'close' });
      setTimeout(() => void this.worker.terminate(), 5000).unref();
    });
  }
}

/** Opens the file in the backend's workers; resolves once they are ready (or rejects with why they are not). */
export function startBackend(options: BackendOptions): Promise<BackendHost> {
  return openBackend(options).ready;
}

/**
 * The host at once, and when it is ready. Sessions can be made before the file is open (browser
 * mode signs a browser in and loads the window meanwhile); calls wait for the workers, and fail
 * with the reason if the file cannot be opened.
 */
export function openBackend(options: BackendOptions): { host: BackendHost; ready: Promise<BackendHost> } {
  const now = options.now ?? Date.now;
  const sessions = new Map<string, Session>();
  const jobs = new Map<number, { id: number; label: string; done: number; total: number }>();
  const keys = options.keys ?? hostKeys(fileKeys());
  let checks: BackendStatus['checks'] = { state: 'running', step: 'starting', startedAt: new Date(now()).toISOString() };
  let frozen: string | null = null;
  let idleLockMinutes = 15;
  let nextId = 1;
  let writer: WorkerLink;
  let reader: WorkerLink;
  let checker: WorkerLink | null = null;
  let checked: Promise<CheckOutcome>;
  let beginChecks = () => {}; // now, if they have not started
  /** While a restore runs, calls wait for it. */
  let restoring: Promise<unknown> | null = null;
  /** The file could not be opened again after a restore: every call is refused with this. */
  let broken: string | null = null;

  const onMessage = (m: FromWorker) => {
    if (m.type === 'progress') jobs.set(m.id, { id: m.id, label: m.label, done: m.done, total: m.total });
    else if (m.type === 'result') jobs.delete(m.id);
  };

  /** Opens the file: the writer (migrates, seeds), the reader, then the checks in the background. */
  async function boot(): Promise<number> {
    const previous = lastCheck(options.dbFile);
    checks = { state: 'running', step: 'starting', startedAt: new Date(now()).toISOString() };
    frozen = previous && !previous.ok ? frozenMessage(previous.problems) : null;
    writer = new WorkerLink('writer', options, onMessage);
    // The reader loads meanwhile, and opens the file once the writer has (migrated, seeded).
    reader = new WorkerLink('reader', options, onMessage, undefined, undefined, true);
    let seeded: number;
    let site: WorkerConfig['site'];
    try {
      seeded = await writer.whenReady();
      // The reader and the checker open the same site with the key the writer was given.
      const siteId = writer.readySite;
      site = siteId ? { siteId, key: await keys.load(siteId), where: keys.where } : undefined;
    } catch (e) {
      await reader.abandon();
      throw e;
    }
    reader.giveSite(site);
    await reader.whenReady();
    if (frozen) writer.post({ type: 'freeze', reason: frozen });
    const info = await reader.call(nextId++, 'appInfo', {}, { kind: 'nobody' });
    if (info.ok) idleLockMinutes = info.value<AppInfo>().idleLockMinutes;
    // The checks run behind the first worklist: from the first sign-in (on two cores the
    // passphrase check and the checks took turns), or checksAfterMs after the first screen can be
    // shown. Writes wait for them only if they fail.
    let go!: () => void;
    const signedIn = new Promise<void>((resolve) => (go = resolve));
    const timer = setTimeout(() => go(), options.checksAfterMs ?? 3000).unref();
    beginChecks = () => (clearTimeout(timer), go());
    checked = signedIn.then(() => new Promise<CheckOutcome>((resolve) => {
      checker = new WorkerLink('checker', options, (m) => {
        if (m.type === 'check-step') checks = { state: 'running', step: m.step, startedAt: checks.state === 'running' ? checks.startedAt : new Date(now()).toISOString() };
        if (m.type === 'checked') {
          if (m.outcome.ok) {
            checks = { state: 'passed', at: m.outcome.at, summary: m.outcome.summary };
            frozen = null;
          } else {
            checks = { state: 'failed', at: m.outcome.at, problems: m.outcome.problems };
            frozen = frozenMessage(m.outcome.problems);
            writer.post({ type: 'freeze', reason: frozen });
          }
          resolve(m.outcome);
        }
      }, site);
      checker.whenReady().catch((e: unknown) => {
        const outcome: CheckOutcome = { at: new Date(now()).toISOString(), ok: false, problems: [`The database could not be checked: ${e instanceof Error ? e.message : String(e)}`], summary: '' };
        checks = { state: 'failed', at: outcome.at, problems: outcome.problems };
        resolve(outcome);
      });
    }));
    return seeded;
  }

  async function closeAll(): Promise<void> {
    beginChecks = () => {};
    await Promise.all([writer.close(), reader.close(), checker?.close() ?? Promise.resolve()]);
  }

  /**
   * A restore from the app: every connection of this process is closed (the file's lock is then
   * free of the app), a restorer swaps the checked backup in (db/restore.ts), and the file is
   * opened again, restored or not. Everyone signs in again: the people may differ.
   */
  async function restore(file: string): Promise<ApiResult<RestoreResult>> {
    await closeAll();
    const restorer = new WorkerLink('restorer', options, () => {}, undefined, file);
    let result: ApiResult<RestoreResult>;
    try {
      await restorer.whenReady();
      result = { ok: true, value: { restoredFrom: file, keptAside: restorer.keptAside } };
    } catch (e) {
      const code = e instanceof AppError ? e.code : 'database';
      result = { ok: false, error: { code, message: e instanceof Error ? e.message : String(e), details: [] } };
    }
    await restorer.close();
    try {
      await boot();
    } catch (e) {
      broken = `The database could not be opened after the restore: ${e instanceof Error ? e.message : String(e)}. Quit the app and restore from the command line.`;
      options.log?.(broken);
      return { ok: false, error: { code: 'database', message: broken, details: [] } };
    }
    if (result.ok) for (const session of sessions.values()) Object.assign(session, { initials: null, locked: false });
    return result;
  }

  let seeded = 0;
  const booted = boot().then((n) => void (seeded = n));
  // Told through ready and through each call.
  booted.catch(() => {});
  const refuse = (code: 'locked' | 'database' | 'unknown_method', message: string): Answer => Answer.of({ ok: false, error: { code, message, details: [] } });

  const host: BackendHost = {
    dbFile: options.dbFile,
    get seeded() {
      return seeded;
    },
    get checked() {
      return checked;
    },
    newSession: () => {
      const key = crypto.randomBytes(32).toString('base64url');
      sessions.set(key, { initials: null, lastActive: now(), locked: false });
      return key;
    },
    endSession: (key) => void sessions.delete(key),
    status: () => ({ checks, jobs: [...jobs.values()] }),
    call: async (key, method, input) => (await callJson(key, method, input)).result,
    callJson,
    close: async () => {
      // Workers that could not open the file have ended already.
      if (!(await booted.then(() => true, () => false))) return;
      while (restoring) await restoring.catch(() => {});
      await closeAll();
    },
  };
  return { host, ready: booted.then(() => host) };

  async function callJson(key: string | null, method: unknown, input: unknown): Promise<Answer> {
    await booted;
    while (restoring) await restoring.catch(() => {});
    if (broken) return refuse('database', broken);
    if (isHostMethod(method)) return Answer.of({ ok: true, value: { checks, jobs: [...jobs.values()] } });
    if (!isMethod(method)) return refuse('unknown_method', 'The app asked for something this version does not know. Restart it.');
    const session = key === null ? undefined : sessions.get(key);
    if (session?.initials && !session.locked && now() - session.lastActive > idleLockMinutes * 60_000) session.locked = true;
    if (session?.locked && !WHILE_LOCKED.has(method)) return refuse('locked', `The app locked itself after ${idleLockMinutes} minutes without use: enter your passphrase to go on.`);
    const access = accessOf(method);
    if (frozen && (access.kind === 'write' || method === 'exportCsvChunk') && method !== 'restoreBackup' && method !== 'listBackups') return refuse('database', frozen);
    const caller: Caller = session?.initials ? { kind: 'person', initials: session.initials } : { kind: 'nobody' };
    const readOnly = access.kind === 'read' || method === 'appInfo' || method === 'currentSession';
    let result = await (readOnly ? reader : writer).call(nextId++, method, input, caller);
    // The writer checked who asks and the backup; the swap happens here, with the file closed.
    if (method === 'restoreBackup' && result.ok) {
      const run = restore(result.value<RestoreResult>().restoredFrom);
      restoring = run;
      try {
        result = Answer.of(await run);
      } finally {
        restoring = null;
      }
      return result;
    }
    if (!session) return result;
    if (result.ok) {
      if (method === 'signIn' || method === 'setUpFirstAdmin') {
        Object.assign(session, { initials: result.value<{ initials: string }>().initials, locked: false });
        beginChecks();
      }
      else if (method === 'unlock') session.locked = false;
      else if (method === 'signOut') Object.assign(session, { initials: null, locked: false });
      else if (method === 'setSetting') idleLockMinutes = result.value<AppInfo>().idleLockMinutes;
      else if (method === 'currentSession') return Answer.of({ ok: true, value: { ...result.value<SessionView>(), locked: session.locked, idleLockMinutes } });
    } else if (result.code === 'unauthorized' && session.initials && method !== 'unlock' && method !== 'signIn') {
      // The person was disabled (or removed) while signed in: the session ends.
      Object.assign(session, { initials: null, locked: false });
    }
    if (!PASSIVE.has(method)) session.lastActive = now();
    return result;
  }
}

function frozenMessage(problems: readonly string[]): string {
  return `Nothing can be written, backed up or exported: the last check of the database found a problem (${problems[0] ?? 'unknown'}). Restore a backup.`;
}
