// Browser mode's API socket (cli/server-socket.ts): the same calls and answers as POST /api/<method>,
// opened only with the session cookie, from our own origin and host names.
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RunningServer } from '../cli/server.js';
import { login, request, start, stopServer } from './helpers/server.js';

afterEach(stopServer);

const ADMIN = { name: 'Mary Lee', initials: 'ML', passphrase: 'correct horse battery' };

/** Opens the socket with these headers: the open socket, or the status it was refused with. */
function open(s: RunningServer, headers: Record<string, string>, host = `127.0.0.1:${s.port}`): Promise<WebSocket | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${s.port}/api/socket`, { headers: { host, ...headers } });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', reject);
  });
}

/** A client that matches answers to calls by id. */
function client(ws: WebSocket) {
  let next = 1;
  const waiting = new Map<number, (r: unknown) => void>();
  ws.on('message', (data) => {
    const answer = JSON.parse(data.toString()) as { id: number; result: unknown };
    waiting.get(answer.id)?.(answer.result);
    waiting.delete(answer.id);
  });
  return (method: string, input: unknown = {}) =>
    new Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }>((resolve) => {
      const id = next++;
      waiting.set(id, resolve as (r: unknown) => void);
      ws.send(JSON.stringify({ id, method, input }));
    });
}

describe('the API socket', () => {
  it('opens only with the session cookie, from our origin and host names', async () => {
    const s = await start();
    const cookie = await login(s);
    expect(await open(s, { origin: s.origin })).toBe(401);
    expect(await open(s, { origin: s.origin, cookie: 'tc_session=forged' }).then((w) => (typeof w === 'number' ? w : 'opened'))).toBe('opened');
    // No Origin (not a browser page), another site's page, another host name: refused.
    expect(await open(s, { cookie })).toBe(403);
    expect(await open(s, { cookie, origin: 'http://evil.example' })).toBe(403);
    expect(await open(s, { cookie, origin: s.origin }, `evil.example:${s.port}`)).toBe(421);
    const ws = await open(s, { cookie, origin: s.origin });
    expect(ws).toBeInstanceOf(WebSocket);
    (ws as WebSocket).close();
  });

  it('a forged session is nobody: the socket opens, and every call is refused as over HTTP', async () => {
    const s = await start();
    const ws = (await open(s, { origin: s.origin, cookie: 'tc_session=forged' })) as WebSocket;
    const call = client(ws);
    expect(await call('listProtocols')).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    ws.close();
  });

  it('answers what HTTP answers, matched by id, several calls at once', async () => {
    const s = await start();
    const cookie = await login(s);
    const ws = (await open(s, { cookie, origin: s.origin })) as WebSocket;
    const call = client(ws);
    expect(await call('listProtocols')).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(await call('setUpFirstAdmin', ADMIN)).toMatchObject({ ok: true, value: { initials: 'ML' } });
    // Signed in on the socket: the session is the cookie's, so HTTP sees it signed in too.
    const [protocols, info, bad, missing] = await Promise.all([call('listProtocols'), call('appInfo'), call('getProtocol', { id: 5 }), call('getProtocol', { id: 'nope' })]);
    expect(protocols).toEqual(JSON.parse((await request(s.port, { path: '/api/listProtocols', headers: { cookie } })).body));
    expect(info).toMatchObject({ ok: true });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input', message: 'Id: must be text.' } });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await call('nope')).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    expect(await call('')).toMatchObject({ ok: false, error: { code: 'invalid_input', message: 'The call names no method.' } });
    // Signing out on HTTP ends the socket's session too.
    await request(s.port, { path: '/api/signOut', headers: { cookie } });
    expect(await call('listProtocols')).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    ws.close();
  });

  it('a large answer waits at its own address, for its own session, once', async () => {
    const s = await start();
    const cookie = await login(s);
    const ws = (await open(s, { cookie, origin: s.origin })) as WebSocket;
    const call = client(ws);
    expect(await call('setUpFirstAdmin', ADMIN)).toMatchObject({ ok: true });
    const rows = ['study_id,initials,arm,day1,weight_kg'];
    for (let i = 1; i <= 3000; i++) rows.push(`C-${i},AB,CODE${i},2026-01-05,70`);
    expect(await call('importParticipants', { protocolId: 'ucmsc-covid19', csv: `${rows.join('\n')}\n` })).toMatchObject({ ok: true });
    // Three thousand participants: more than 256 KB of answer.
    const raw = new Promise<{ id: number; fetch?: string; result?: unknown }>((resolve) => ws.once('message', (d) => resolve(JSON.parse(d.toString()) as never)));
    ws.send(JSON.stringify({ id: 1000, method: 'listParticipants', input: {} }));
    const answer = await raw;
    expect(answer).toMatchObject({ id: 1000, fetch: expect.stringMatching(/^[\w-]{20,}$/) });
    const path = `/api/answer/${answer.fetch}`;
    // Another session cannot have it; this one can, once, and it is what HTTP answers.
    expect((await request(s.port, { method: 'GET', path, headers: { cookie: await login(s) } })).status).toBe(404);
    const fetched = await request(s.port, { method: 'GET', path, headers: { cookie } });
    expect(fetched.status).toBe(200);
    expect(JSON.parse(fetched.body)).toEqual(JSON.parse((await request(s.port, { path: '/api/listParticipants', headers: { cookie } })).body));
    expect((JSON.parse(fetched.body) as { value: unknown[] }).value).toHaveLength(3000);
    expect((await request(s.port, { method: 'GET', path, headers: { cookie } })).status).toBe(404);
    ws.close();
  });

  it('closes on a message that is not a call, and the server answers after', async () => {
    const s = await start();
    const cookie = await login(s);
    for (const message of ['{not json', '[1,2]', '{"method":"appInfo"}']) {
      const ws = (await open(s, { cookie, origin: s.origin })) as WebSocket;
      const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
      ws.send(message);
      expect(await closed, message).toBe(1007);
    }
    const ws = (await open(s, { cookie, origin: s.origin })) as WebSocket;
    expect(await client(ws)('appInfo')).toMatchObject({ ok: true });
    ws.close();
  });

  it('refuses any other socket address', async () => {
    const s = await start();
    const cookie = await login(s);
    const status = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${s.port}/elsewhere`, { headers: { cookie, origin: s.origin } });
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.once('open', () => resolve(101));
      ws.once('error', reject);
    });
    expect(status).toBe(404);
  });
});
