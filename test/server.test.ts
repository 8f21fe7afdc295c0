// Browser mode's HTTP server in front of the real backend host (its worker threads): sessions by
// one-time code and cookie, only our host names and origin, and nothing a client sends can take it down.
import net from 'node:net';
import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../cli/server.js';
import { login, request, start, stopServer } from './helpers/server.js';

afterEach(stopServer);

/** A raw line on the socket: a request no HTTP client library would send. */
function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(text));
    let out = '';
    socket.on('data', (c) => (out += c.toString()));
    socket.on('close', () => resolve(out));
    socket.on('error', () => resolve(out));
  });
}

describe('browser-mode server', () => {
  it('a one-time address gives a session cookie, once; the API answers only that session', async () => {
    const s = await start();
    const url = new URL(s.loginUrl());
    const used = await request(s.port, { method: 'GET', path: `${url.pathname}${url.search}` });
    expect(used.status).toBe(303);
    // The address works once; a made-up code never.
    expect((await request(s.port, { method: 'GET', path: `${url.pathname}${url.search}` })).status).toBe(403);
    expect((await request(s.port, { method: 'GET', path: '/login?code=guess' })).status).toBe(403);
    const cookie = await login(s);
    expect(cookie.startsWith(`${SESSION_COOKIE}=`)).toBe(true);
    // Signed in to the server, not yet as anyone: the sign-in is public, a read is not.
    const info = await request(s.port, { path: '/api/appInfo', headers: { cookie } });
    expect(JSON.parse(info.body)).toMatchObject({ ok: true, value: { setup: { state: 'new' } } });
    expect((await request(s.port, { path: '/api/listProtocols', headers: { cookie } })).status).toBe(401);
    const first = await request(s.port, { path: '/api/setUpFirstAdmin', headers: { cookie }, body: JSON.stringify({ name: 'Mary Lee', initials: 'ML', passphrase: 'correct horse battery' }) });
    expect(first.status).toBe(200);
    expect(JSON.parse((await request(s.port, { path: '/api/listProtocols', headers: { cookie } })).body).value).toHaveLength(5);
    // No cookie, or one the server never gave: refused.
    expect((await request(s.port, { path: '/api/listProtocols' })).status).toBe(401);
    expect((await request(s.port, { path: '/api/listProtocols', headers: { cookie: `${SESSION_COOKIE}=forged` } })).status).toBe(401);
  });

  it('refuses other origins and other host names even with a session', async () => {
    const s = await start();
    const cookie = await login(s);
    expect((await request(s.port, { path: '/api/appInfo', headers: { cookie, origin: 'http://evil.example' } })).status).toBe(403);
    expect((await request(s.port, { path: '/api/appInfo', headers: { cookie, host: `evil.example:${s.port}` } })).status).toBe(421);
    expect((await request(s.port, { path: '/', method: 'GET', headers: { host: 'attacker.test' } })).status).toBe(421);
    expect((await request(s.port, { path: '/api/appInfo', headers: { cookie, origin: s.origin } })).status).toBe(200);
    // JSON only: a form post from another page cannot reach the API.
    expect((await request(s.port, { path: '/api/appInfo', headers: { cookie, 'content-type': 'text/plain' } })).status).toBe(415);
  });

  it('listens on loopback only', async () => {
    const s = await start();
    expect(s.origin).toBe(`http://127.0.0.1:${s.port}`);
    const external = Object.values(os.networkInterfaces())
      .flat()
      .filter((i) => i && i.family === 'IPv4' && !i.internal)
      .map((i) => i!.address);
    for (const address of external) await expect(request(s.port, { path: '/', method: 'GET', host: address })).rejects.toThrow(/ECONNREFUSED/);
  });

  it('turns bad input into 400 with the reason, and unknown methods into 400', async () => {
    const s = await start();
    const cookie = await login(s);
    await request(s.port, { path: '/api/setUpFirstAdmin', headers: { cookie }, body: JSON.stringify({ name: 'Mary Lee', initials: 'ML', passphrase: 'correct horse battery' }) });
    const bad = await request(s.port, { path: '/api/getProtocol', headers: { cookie }, body: '{"id": 5}' });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ ok: false, error: { code: 'invalid_input', message: 'Id: must be text.' } });
    expect((await request(s.port, { path: '/api/nope', headers: { cookie } })).status).toBe(400);
    expect((await request(s.port, { path: '/api/listProtocols', headers: { cookie }, body: '{not json' })).status).toBe(400);
    expect((await request(s.port, { path: '/api/getProtocol', headers: { cookie }, body: '{"id":"nope"}' })).status).toBe(404);
  });

  it('no request kills it: malformed escapes and request lines get 400, and it answers after', async () => {
    const s = await start();
    const cookie = await login(s);
    for (const p of ['/%c0', '/%', '/%E0%A4%A', '/api/%', '/api/%c0', '/login?code=%']) {
      const r = await request(s.port, { method: p.startsWith('/api/') ? 'POST' : 'GET', path: p, headers: { cookie } });
      expect([400, 401, 403, 404, 405], p).toContain(r.status);
    }
    expect(await rawRequest(s.port, 'GET /\u0000 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect(await rawRequest(s.port, 'NONSENSE\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect((await request(s.port, { path: '/api/appInfo', headers: { cookie } })).status).toBe(200);
  });

  it('serves the renderer with a strict CSP, and never files outside it', async () => {
    const s = await start();
    const page = await fetch(`${s.origin}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const escape = await request(s.port, { method: 'GET', path: '/../../../../etc/passwd' });
    expect(escape.body).not.toContain('root:');
  });

  it('answers reads while a 5,000-participant import runs through it', async () => {
    const s = await start();
    const cookie = await login(s);
    await request(s.port, { path: '/api/setUpFirstAdmin', headers: { cookie }, body: JSON.stringify({ name: 'Mary Lee', initials: 'ML', passphrase: 'correct horse battery' }) });
    const rows = ['study_id,initials,arm,day1,weight_kg'];
    for (let i = 1; i <= 5000; i++) rows.push(`C-${i},AB,CODE${i},2026-0${1 + (i % 9)}-1${i % 10},70`);
    const importing = request(s.port, { path: '/api/importParticipants', headers: { cookie }, body: JSON.stringify({ protocolId: 'ucmsc-covid19', csv: `${rows.join('\n')}\n` }) });
    const status = async () => (JSON.parse((await request(s.port, { path: '/api/backendStatus', headers: { cookie } })).body) as { value: { jobs: unknown[] } }).value;
    while ((await status()).jobs.length === 0) await new Promise((r) => setTimeout(r, 20));
    for (let i = 0; i < 5; i++) {
      const r = await request(s.port, { path: '/api/worklists', headers: { cookie }, body: '{"today":"2026-06-15"}' });
      expect(r.status).toBe(200);
    }
    expect((await status()).jobs, 'the import was still running').toHaveLength(1);
    expect(JSON.parse((await importing).body)).toMatchObject({ ok: true, value: { imported: 5000 } });
  });
});
