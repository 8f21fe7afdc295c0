// Browser mode's server in front of a real backend host, for the server's and the socket's tests.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { expect } from 'vitest';
import type { BackendHost } from '../../db/backend/host.js';
import { startServer, type RunningServer } from '../../cli/server.js';
import { backendForTests } from './backend.js';
import { tempDir } from './db.js';

let running: { server: RunningServer; backend: BackendHost } | null = null;
export async function stopServer(): Promise<void> {
  await running?.server.close();
  await running?.backend.close();
  running = null;
}

export async function start() {
  const dir = tempDir();
  const rendererDir = path.join(dir, 'renderer');
  fs.mkdirSync(rendererDir);
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
  const backend = await backendForTests(path.join(dir, 'db.sqlite'));
  const server = await startServer({ api: backend, rendererDir, log: () => {} });
  running = { server, backend };
  return server;
}

/** A raw request, so that Host and Origin can be set to what an attacker would send. */
export function request(port: number, opts: { method?: string; path: string; headers?: Record<string, string>; body?: string; host?: string }) {
  return new Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
    const req = http.request(
      { host: opts.host ?? '127.0.0.1', port, method: opts.method ?? 'POST', path: opts.path, headers: { 'content-type': 'application/json', ...opts.headers } },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(opts.method === 'GET' ? undefined : (opts.body ?? '{}'));
  });
}

/** Signs a client in with a one-time address: its session cookie. */
export async function login(s: RunningServer): Promise<string> {
  const url = new URL(s.loginUrl());
  const r = await request(s.port, { method: 'GET', path: `${url.pathname}${url.search}` });
  expect(r.status).toBe(303);
  const cookie = String(r.headers['set-cookie']);
  expect(cookie).toMatch(/HttpOnly/);
  expect(cookie).toMatch(/SameSite=Strict/);
  return cookie.split(';')[0]!;
}

