// Browser mode: the built renderer and the API contract on loopback, for machines without an
// Electron runtime and for end-to-end tests. Never listens beyond 127.0.0.1.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Handlers } from '../core/api.js';
import { dispatch } from '../db/service.js';

export const TOKEN_HEADER = 'x-trialcoord-token';
const MAX_BODY = 8 * 1024 * 1024;
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
const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export interface ServerOptions {
  readonly handlers: Handlers;
  readonly rendererDir: string;
  readonly port?: number;
  readonly token?: string;
  readonly log?: (e: unknown) => void;
}

export interface RunningServer {
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const token = options.token ?? crypto.randomBytes(32).toString('base64url');
  const tokenBytes = Buffer.from(token);
  if (!fs.existsSync(path.join(options.rendererDir, 'index.html')))
    throw new Error(`The renderer is not built (${options.rendererDir}/index.html is missing). Run "npm run build" first.`);

  let port = 0;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);

  const server = http.createServer((req, res) => {
    // DNS rebinding and cross-site requests: only our own host names and origin are served.
    if (!allowedHosts().has(req.headers.host ?? '')) return send(res, 421, 'text/plain; charset=utf-8', 'Misdirected request');
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedHosts().has(origin.replace(/^http:\/\//, ''))) return send(res, 403, 'text/plain; charset=utf-8', 'Forbidden origin');

    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.pathname.startsWith('/api/')) return handleApi(req, res, url.pathname.slice('/api/'.length));
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain; charset=utf-8', 'Method not allowed');
    return serveStatic(res, url.pathname);
  });

  function handleApi(req: http.IncomingMessage, res: http.ServerResponse, method: string) {
    const given = req.headers[TOKEN_HEADER];
    const givenBytes = Buffer.from(typeof given === 'string' ? given : '');
    if (givenBytes.length !== tokenBytes.length || !crypto.timingSafeEqual(givenBytes, tokenBytes))
      return sendJson(res, 401, { ok: false, error: { code: 'unauthorized', message: 'Missing or wrong session token.', details: [] } });
    if (req.method !== 'POST') return sendJson(res, 405, { ok: false, error: { code: 'invalid_input', message: 'Use POST.', details: [] } });
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        sendJson(res, 413, { ok: false, error: { code: 'invalid_input', message: 'Request too large.', details: [] } });
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      if (res.headersSent) return;
      let input: unknown;
      try {
        const body = Buffer.concat(chunks).toString('utf8');
        input = body === '' ? {} : JSON.parse(body);
      } catch {
        return sendJson(res, 400, { ok: false, error: { code: 'invalid_input', message: 'The request body is not JSON.', details: [] } });
      }
      const result = dispatch(options.handlers, decodeURIComponent(method), input, options.log);
      sendJson(res, result.ok ? 200 : statusFor(result.error.code), result);
    });
  }

  function serveStatic(res: http.ServerResponse, pathname: string) {
    const root = path.resolve(options.rendererDir);
    let file = path.resolve(root, '.' + decodeURIComponent(pathname));
    if (!file.startsWith(root + path.sep) && file !== root) return send(res, 404, 'text/plain; charset=utf-8', 'Not found');
    if (!fs.existsSync(file) || fs.statSync(file).isDirectory()) file = path.join(root, 'index.html');
    const type = CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';
    send(res, 200, type, fs.readFileSync(file));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('The server did not report its port.');
  port = address.port;
  const originUrl = `http://127.0.0.1:${port}`;
  return {
    url: `${originUrl}/?token=${token}`,
    origin: originUrl,
    port,
    token,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function statusFor(code: string): number {
  switch (code) {
    case 'invalid_input':
    case 'unknown_method':
      return 400;
    case 'not_found':
      return 404;
    case 'conflict':
      return 409;
    case 'database':
      return 503;
    default:
      return 500;
  }
}

function send(res: http.ServerResponse, status: number, type: string, body: string | Buffer) {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...SECURITY_HEADERS });
  res.end(body);
}

function sendJson(res: http.ServerResponse, status: number, body: unknown) {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
}
