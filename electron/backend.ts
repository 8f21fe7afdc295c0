// The backend utility process: the service (db/ and the API's handlers) away from the window's
// main process, which only relays. It runs the backend host (db/backend/host.ts), whose workers
// run the SQL; the main process reaches it over the utility process's message port.
import { startBackend, type BackendHost, type HostKeys } from '../db/backend/host.js';
import type { FromBackend, ToBackend } from './backend-messages.js';

// Files this process writes (the database, its WAL, backups) are readable by this user only.
process.umask(0o077);
const port = process.parentPort;
const post = (m: FromBackend) => port.postMessage(m);
let host: BackendHost | null = null;
let nextKeyId = 1;
const keyAnswers = new Map<number, (m: { key: string | null; error: string | null }) => void>();

/** The site keys, asked of the main process, which seals them with the keychain (electron/keys.ts). */
function keysFromMain(where: string): HostKeys {
  const ask = (op: 'load' | 'create', siteId: string) =>
    new Promise<Buffer | null>((resolve, reject) => {
      const id = nextKeyId++;
      keyAnswers.set(id, (a) => (a.error ? reject(new Error(a.error)) : resolve(a.key === null ? null : Buffer.from(a.key, 'base64'))));
      post({ type: 'key', id, op, siteId });
    });
  return {
    where,
    load: (siteId) => ask('load', siteId),
    create: async (siteId) => {
      const key = await ask('create', siteId);
      if (!key) throw new Error('no key was made');
      return key;
    },
  };
}

port.on('message', (event) => {
  const m = event.data as ToBackend;
  switch (m.type) {
    case 'start': {
      const { keysWhere, ...config } = m.config;
      startBackend({ ...config, mode: 'electron', keys: keysFromMain(keysWhere) }).then(
        (h) => {
          host = h;
          post({ type: 'ready' });
          void h.checked.then((o) => post({ type: 'checked', ok: o.ok, problem: o.problems[0] ?? null }));
        },
        (e: unknown) => post({ type: 'fatal', message: e instanceof Error ? e.message : String(e) }),
      );
      return;
    }
    case 'call':
      if (!host) return post({ type: 'result', id: m.id, result: { ok: false, error: { code: 'internal', message: 'The app is still starting. Try again.', details: [] } } });
      void host.call(m.session, m.method, m.input).then((result) => post({ type: 'result', id: m.id, result }));
      return;
    case 'key-answer':
      keyAnswers.get(m.id)?.(m);
      keyAnswers.delete(m.id);
      return;
    case 'new-session':
      if (host) post({ type: 'session', id: m.id, session: host.newSession() });
      return;
    case 'close':
      void (host?.close() ?? Promise.resolve()).then(() => {
        post({ type: 'closed' });
        process.exit(0);
      });
  }
});
