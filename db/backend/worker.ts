// A backend worker: one thread with its own connection to the database, running the API's
// handlers for the host (db/backend/host.ts). The writer migrates the file and imports the seeds
// on first start, then takes every write; the reader answers reads while a write (an import of
// thousands of participants) runs; the checker runs the start-up checks and the daily backup,
// then ends. SQL runs here, never on the window's or the HTTP server's thread.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { accessOf, type ApiResult } from '../../core/api.js';
import { dailyBackup } from '../backup.js';
import { lastCheck, recordCheck, runChecks } from '../checks.js';
import { openDatabase, type Connection } from '../connection.js';
import { dispatch } from '../dispatch.js';
import { AppError } from '../errors.js';
import { restoreBackup } from '../restore.js';
import { fixedKey } from '../keys.js';
import { probeSiteId } from '../site.js';
import { importSeedsOnFirstStart } from '../seeds.js';
import { createHandlers } from '../service.js';
import type { FromWorker, ToWorker, WorkerConfig } from './messages.js';

const REFUSED: ApiResult<never> = { ok: false, error: { code: 'internal', message: 'An unexpected error occurred; nothing was changed. The details are in the log.', details: [] } };

/** The writer asks its host for the site's key before it opens the file (the host holds the keys). */
function siteKey(config: WorkerConfig, port: MessagePort, post: (m: FromWorker) => void, file = config.dbFile): Promise<{ siteId: string; key: Buffer | null; where: string }> {
  if (config.site) return Promise.resolve({ ...config.site, key: config.site.key ? Buffer.from(config.site.key) : null });
  if (config.awaitSite)
    return new Promise((resolve) => {
      const onSite = (m: ToWorker) => {
        if (m.type !== 'site') return;
        port.off('message', onSite);
        // No site (a file the writer left as it was): the worker asks for the file's key itself.
        resolve(m.site ? { ...m.site, key: m.site.key ? Buffer.from(m.site.key) : null } : askKey(port, post, file));
      };
      port.on('message', onSite);
    });
  return askKey(port, post, file);
}

function askKey(port: MessagePort, post: (m: FromWorker) => void, file: string): Promise<{ siteId: string; key: Buffer | null; where: string }> {
  return new Promise((resolve) => {
    port.once('message', (m: ToWorker) => {
      if (m.type === 'key') resolve({ siteId: m.siteId, key: m.key ? Buffer.from(m.key) : null, where: m.where });
    });
    post({ type: 'key-needed', siteId: probeSiteId(file) });
  });
}

async function open(config: WorkerConfig, port: MessagePort, post: (m: FromWorker) => void): Promise<Connection | null> {
  try {
    const site = await siteKey(config, port, post);
    const previous = lastCheck(config.dbFile);
    // A file whose last check failed is opened without migrating or seeding: it is never written.
    const frozen = previous !== null && !previous.ok;
    const conn = openDatabase(config.dbFile, {
      ...(config.nativeBinding ? { nativeBinding: config.nativeBinding } : {}),
      migrate: config.role === 'writer' && !frozen,
      keys: fixedKey(site.siteId, site.key, site.where),
      siteId: site.siteId,
    });
    const seeded = config.role === 'writer' && !frozen ? importSeedsOnFirstStart(conn, config.seedsDir) : 0;
    post({ type: 'ready', seeded, siteId: conn.siteId });
    return conn;
  } catch (e) {
    // The file's own problem (not a database, cannot be written, a full disk) keeps its code, for the words it is reported in.
    const systemCode = e instanceof Error && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
    post({ type: 'fatal', message: e instanceof Error ? e.message : String(e), systemCode });
    return null;
  }
}

/** The checks, then the daily backup from a file that has just passed them; then the thread ends. */
async function check(conn: Connection, config: WorkerConfig, post: (m: FromWorker) => void): Promise<void> {
  const outcome = runChecks(conn, (step) => post({ type: 'check-step', step }));
  recordCheck(config.dbFile, outcome);
  const backup = outcome.ok ? await dailyBackup(conn).catch(() => null) : null;
  conn.close();
  post({ type: 'checked', outcome, backup });
}

/**
 * The restorer: with every other connection of the app closed, checks the backup under the
 * file's exclusive lock and swaps it in (db/restore.ts), then ends.
 */
async function restore(config: WorkerConfig, port: MessagePort, post: (m: FromWorker) => void): Promise<void> {
  const from = config.restoreFrom!;
  try {
    const site = await siteKey(config, port, post, from);
    const { keptAside } = restoreBackup(from, config.dbFile, { keys: fixedKey(site.siteId, site.key, site.where) });
    post({ type: 'restored', keptAside });
  } catch (e) {
    const code = e instanceof AppError && ['invalid_input', 'not_found', 'conflict', 'database'].includes(e.code) ? (e.code as 'invalid_input' | 'not_found' | 'conflict' | 'database') : undefined;
    post({ type: 'fatal', message: e instanceof Error ? e.message : String(e), code });
  }
}

/** Answers the host's calls, one at a time, until it says close. */
function serve(conn: Connection, config: WorkerConfig, port: MessagePort, post: (m: FromWorker) => void): void {
  let current = 0;
  let frozenBecause: string | null = null;
  const handlers = createHandlers({
    conn,
    mode: config.mode,
    appVersion: config.appVersion,
    progress: (label, done, total) => post({ type: 'progress', id: current, label, done, total }),
  });
  port.on('message', (m: ToWorker) => {
    switch (m.type) {
      case 'call': {
        current = m.id;
        const access = accessOf(m.method);
        let result: ApiResult<unknown>;
        // The host sends only reads to the reader; anything else reaching it is refused.
        if (config.role === 'reader' && access.kind !== 'read' && m.method !== 'appInfo' && m.method !== 'currentSession') result = REFUSED;
        // A frozen file is never written; choosing a backup to put in its place still works.
        else if (frozenBecause !== null && access.kind === 'write' && m.method !== 'restoreBackup' && m.method !== 'listBackups') result = { ok: false, error: { code: 'database', message: frozenBecause, details: [] } };
        else result = dispatch(conn, handlers, m.method, m.input, m.caller);
        post({ type: 'result', id: m.id, json: JSON.stringify(result), ok: result.ok, code: result.ok ? null : result.error.code });
        return;
      }
      case 'freeze':
        frozenBecause = m.reason;
        return;
      case 'close':
        conn.close();
        post({ type: 'closed' });
        process.exit(0);
    }
  });
}

const port = parentPort;
if (!port) throw new Error('db/backend/worker.ts runs as a worker thread');
const config = workerData as WorkerConfig;
const post = (m: FromWorker) => port.postMessage(m);
if (config.role === 'restorer') void restore(config, port, post).then(() => process.exit(0));
else void open(config, port, post).then((conn) => {
  if (!conn) process.exit(1);
  else if (config.role === 'checker') void check(conn, config, post).then(() => process.exit(0));
  else serve(conn, config, port, post);
});
