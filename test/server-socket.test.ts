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
