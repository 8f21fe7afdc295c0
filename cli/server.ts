// Browser mode: the built renderer and the API contract on loopback, for machines without an
// Electron runtime and for end-to-end tests. Never listens beyond 127.0.0.1. It only relays: the
// backend (db/backend/host.ts) runs the SQL in its workers, so this thread never waits on it.
//
// Who may talk to it: the browser opened on a one-time address (/login?code=…) exchanges the code
// for an HttpOnly, SameSite=Strict session cookie; the code works once and for two minutes, so
// neither it nor any lasting secret sits in a process's command line. Only our own host names and
// origin are served (DNS rebinding, cross-site requests), and the API takes JSON only.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie, setCookie } from 'hono/cookie';
import { parse as parseCookie } from 'hono/utils/cookie';
import type { JsonAnswer } from './server-socket.js';
import { attachApiSocket } from './server-socket.js';

/** What the server relays to: the backend host, or (printing from the CLI) the service in-process. */
export interface ApiPort {
  /** The answer as JSON, with whether it succeeded and the error's code (db/backend/answer.ts). */
  callJson(session: string | null, method: unknown, input: unknown): Promise<JsonAnswer>;
  /** A new session key: nobody until someone signs in on it (it needs no worker, so the backend may still be opening the file). */
  newSession(): string;
  endSession(session: string): void;
}

export const SESSION_COOKIE = 'tc_session';
const CODE_LIFETIME_MS = 2 * 60_000;
/** How long a large socket answer waits to be fetched. */
const ANSWER_LIFETIME_MS = 60_000;
/** The largest request: a participant import of 20 million characters, as JSON. */
const MAX_BODY = 48 * 1024 * 1024;
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
};
const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

export interface ServerOptions {
  readonly api: ApiPort;
  readonly rendererDir: string;
  readonly port?: number;
  readonly log?: (e: unknown) => void;
}

export interface RunningServer {
  readonly origin: string;
  readonly port: number;
  /** A one-time address that signs a browser in to this server (the code works once, for two minutes). */
  loginUrl(to?: string): string;
  close(): Promise<void>;
}

type Status = 200 | 303 | 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 421 | 423 | 500 | 503;

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const root = path.resolve(options.rendererDir);
  if (!fs.existsSync(path.join(root, 'index.html'))) throw new Error(`The renderer is not built (${root}/index.html is missing). Run "npm run build" first.`);
  const log = options.log ?? ((e: unknown) => console.error(e));
  const codes = new Map<string, number>();
  let port = 0;
  const ours = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);

  const app = new Hono();
  app.use('*', async (c, next) => {
    await next();
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(k, v);
  });
  // DNS rebinding and cross-site requests: only our own host names and origin are served.
  app.use('*', async (c, next) => {
    if (!ours().has(c.req.header('host') ?? '')) return c.text('Misdirected request', 421);
    const origin = c.req.header('origin');
    if (origin !== undefined && !ours().has(origin.replace(/^http:\/\//, ''))) return c.text('Forbidden origin', 403);
    await next();
  });

  app.get('/login', (c) => {
    const code = c.req.query('code') ?? '';
    const expires = codes.get(code);
    codes.delete(code);
    if (expires === undefined || expires < Date.now())
      return c.html('<!doctype html><title>Trial Coordinator</title><p>This address has been used or has expired. Run <code>trialcoord serve</code> again, or press Enter in its window for a new address.</p>', 403);
    const session = options.api.newSession();
    setCookie(c, SESSION_COOKIE, session, { httpOnly: true, sameSite: 'Strict', path: '/' });
    const to = c.req.query('to') ?? '';
    return c.redirect(/^\/[\w/?=&.-]*$/.test(to) ? `/#${to}` : '/', 303);
  });

  app.post(
    '/api/:method',
    bodyLimit({ maxSize: MAX_BODY, onError: (c) => apiError(c, 413, 'invalid_input', 'Request too large.') }),
    async (c) => {
      const session = getCookie(c, SESSION_COOKIE);
      if (!session) return apiError(c, 401, 'unauthorized', 'This browser tab has no session: open the address the app printed when it started.');
      if (!(c.req.header('content-type') ?? '').startsWith('application/json')) return apiError(c, 415, 'invalid_input', 'The request must be JSON.');
      let input: unknown;
      try {
        const body = await c.req.text();
        input = body === '' ? {} : JSON.parse(body);
      } catch {
        return apiError(c, 400, 'invalid_input', 'The request body is not JSON.');
      }
      const answer = await options.api.callJson(session, c.req.param('method'), input);
      return c.body(answer.json, answer.ok ? 200 : statusFor(answer.code ?? 'internal'), { 'Content-Type': 'application/json' });
    },
  );
  // Large answers to socket calls, kept for their own session, fetched once (cli/server-socket.ts).
  const kept = new Map<string, { session: string; json: string; expires: number }>();
  app.get('/api/answer/:token', (c) => {
    const token = c.req.param('token');
    const answer = kept.get(token);
    if (!answer || answer.session !== getCookie(c, SESSION_COOKIE) || answer.expires < Date.now()) return apiError(c, 404, 'not_found', 'This answer has been fetched already or has expired.');
    kept.delete(token);
    return c.body(answer.json, 200, { 'Content-Type': 'application/json' });
  });
  app.all('/api/*', (c) => apiError(c, 405, 'invalid_input', 'Use POST.'));

  app.on(['GET', 'HEAD'], '*', (c) => {
    let file: string;
    try {
      file = path.resolve(root, '.' + decodeURIComponent(new URL(c.req.url).pathname));
    } catch {
      return c.text('Bad request', 400);
    }
    if (!file.startsWith(root + path.sep) && file !== root) return c.text('Not found', 404);
    if (!fs.existsSync(file) || fs.statSync(file).isDirectory()) file = path.join(root, 'index.html');
    c.header('Content-Type', CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream');
    return c.body(fs.readFileSync(file));
  });
  app.all('*', (c) => c.text('Method not allowed', 405));
  // The error boundary: whatever goes wrong in a handler becomes an answer, never a dead server.
  app.onError((e, c) => {
    log(e);
    return c.req.path.startsWith('/api/') ? apiError(c, 500, 'internal', 'An unexpected error occurred; nothing was changed.') : c.text('Server error', 500);
  });

  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: '127.0.0.1' }, () => resolve(s));
    s.once('error', reject);
  });
  // A malformed request line or header (a bad escape in the URL) is answered by Node itself with
  // 400; nothing a client sends reaches an unguarded throw.
  server.on('clientError', (_e, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('The server did not report its port.');
  port = address.port;
  // The window's calls go over a socket (cli/server-socket.ts): the same calls, checks and answers.
  const socket = attachApiSocket(server as unknown as import('node:http').Server, {
    ours,
    // The socket's upgrade request is not a Hono request: its cookie is read with the parser getCookie uses.
    session: (header) => parseCookie(header ?? '', SESSION_COOKIE)[SESSION_COOKIE],
    call: (session, method, input) => options.api.callJson(session, method, input),
    maxPayload: MAX_BODY,
    log,
    keep: (session, json) => {
      const now = Date.now();
      for (const [t, a] of kept) if (a.expires < now) kept.delete(t);
      const token = crypto.randomBytes(18).toString('base64url');
      kept.set(token, { session, json, expires: now + ANSWER_LIFETIME_MS });
      return token;
    },
  });
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    port,
    loginUrl: (to) => {
      const code = crypto.randomBytes(24).toString('base64url');
      codes.set(code, Date.now() + CODE_LIFETIME_MS);
      return `${origin}/login?code=${code}${to ? `&to=${encodeURIComponent(to)}` : ''}`;
    },
    close: () =>
      new Promise<void>((resolve) => {
        socket.close();
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function apiError(c: Context, status: Status, code: string, message: string) {
  return c.json({ ok: false, error: { code, message, details: [] } }, status as 400);
}

function statusFor(code: string): Status {
  switch (code) {
    case 'invalid_input':
    case 'unknown_method':
      return 400;
    case 'unauthorized':
      return 401;
    case 'forbidden':
      return 403;
    case 'not_found':
      return 404;
    case 'conflict':
      return 409;
    case 'locked':
      return 423;
    case 'database':
      return 503;
    default:
      return 500;
  }
}
