import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, TOKEN_HEADER, type RunningServer } from '../cli/server.js';
import { importSeedsOnFirstStart } from '../db/seeds.js';
import { createHandlers } from '../db/service.js';
import { freshDb, SEEDS_DIR, tempDir } from './helpers/db.js';

let running: RunningServer | null = null;
afterEach(async () => {
  await running?.close();
  running = null;
});

async function start() {
  const { conn } = freshDb();
  importSeedsOnFirstStart(conn, SEEDS_DIR);
  const rendererDir = tempDir();
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
  running = await startServer({ handlers: createHandlers({ conn, mode: 'browser', appVersion: 'test' }), rendererDir, log: () => {} });
  return running;
}

/** A raw request, so that Host and Origin can be set to what an attacker would send. */
function request(port: number, opts: { method?: string; path: string; headers?: Record<string, string>; body?: string; host?: string }) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request(
      { host: opts.host ?? '127.0.0.1', port, method: opts.method ?? 'POST', path: opts.path, headers: { 'content-type': 'application/json', ...opts.headers } },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.method === 'GET' ? undefined : (opts.body ?? '{}'));
  });
}

describe('browser-mode server', () => {
  it('serves the API with the token', async () => {
    const s = await start();
    const r = await request(s.port, { path: '/api/listProtocols', headers: { [TOKEN_HEADER]: s.token } });
    expect(r.status).toBe(200);
    expect((JSON.parse(r.body) as { value: unknown[] }).value).toHaveLength(5);
  });

  it('rejects a request without the token, or with a wrong one, with 401', async () => {
    const s = await start();
    expect((await request(s.port, { path: '/api/listProtocols' })).status).toBe(401);
    expect((await request(s.port, { path: '/api/listProtocols', headers: { [TOKEN_HEADER]: 'x'.repeat(s.token.length) } })).status).toBe(401);
    expect((await request(s.port, { path: '/api/listProtocols', headers: { [TOKEN_HEADER]: '' } })).status).toBe(401);
  });

  it('refuses other origins and other host names even with the token', async () => {
    const s = await start();
    const token = { [TOKEN_HEADER]: s.token };
    expect((await request(s.port, { path: '/api/listProtocols', headers: { ...token, origin: 'http://evil.example' } })).status).toBe(403);
    expect((await request(s.port, { path: '/api/listProtocols', headers: { ...token, host: `evil.example:${s.port}` } })).status).toBe(421);
    expect((await request(s.port, { path: '/', method: 'GET', headers: { host: 'attacker.test' } })).status).toBe(421);
    expect((await request(s.port, { path: '/api/listProtocols', headers: { ...token, origin: s.origin } })).status).toBe(200);
  });

  it('listens on loopback only', async () => {
    const s = await start();
    expect(s.url.startsWith(`http://127.0.0.1:${s.port}/`)).toBe(true);
    const external = Object.values(os.networkInterfaces())
      .flat()
      .filter((i) => i && i.family === 'IPv4' && !i.internal)
      .map((i) => i!.address);
    for (const address of external) await expect(request(s.port, { path: '/', method: 'GET', host: address })).rejects.toThrow(/ECONNREFUSED/);
  });

  it('turns bad input into 400 with the reason, and unknown methods into 400', async () => {
    const s = await start();
    const token = { [TOKEN_HEADER]: s.token };
    const bad = await request(s.port, { path: '/api/getProtocol', headers: token, body: '{"id": 5}' });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect((await request(s.port, { path: '/api/nope', headers: token })).status).toBe(400);
    expect((await request(s.port, { path: '/api/listProtocols', headers: token, body: '{not json' })).status).toBe(400);
    expect((await request(s.port, { path: '/api/getProtocol', headers: token, body: '{"id":"nope"}' })).status).toBe(404);
  });

  it('serves the renderer with a strict CSP, and never files outside it', async () => {
    const s = await start();
    const page = await fetch(`${s.origin}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const escape = await request(s.port, { method: 'GET', path: '/../../../../etc/passwd' });
    expect(escape.body).not.toContain('root:');
  });
});
