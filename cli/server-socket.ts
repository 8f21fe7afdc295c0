// Browser mode's API over one WebSocket per tab. A call over HTTP costs the browser 4 to 6 ms of
// its own before the server sees it (the bench measured 4.0 ms median for an empty answer from
// Chromium on loopback, against 0.4 ms for a message on a socket); the socket carries the same
// calls and answers as POST /api/<method>, so the window's round trip is the backend's time and
// little more. HTTP stays for everything else, and for scripts.
//
// Who may open one: the same checks as the HTTP API (our own host names, and an Origin of ours,
// which a browser always sends on a socket and which a page of another site cannot forge), and
// the session cookie the one-time address gave. A socket speaks for its session as long as it is
// open; signing out or a locked session is answered per call by the backend, as over HTTP.
// A large answer is fetched over HTTP instead (SocketOptions.keep).
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ApiResult } from '../core/api.js';

/** The socket's address, under the API's prefix. */
export const SOCKET_PATH = '/api/socket';

/** A call on the socket: the method and its input, with an id the answer carries back. */
export interface SocketCall {
  readonly id: number;
  readonly method: string;
  readonly input: unknown;
}

/** An answer as the backend wrote it: its JSON (what POST /api/<method> answers), whether it succeeded, the error's code. */
export interface JsonAnswer {
  readonly json: string;
  readonly ok: boolean;
  readonly code: string | null;
}

export interface SocketOptions {
  readonly ours: () => ReadonlySet<string>;
  readonly session: (cookieHeader: string | undefined) => string | undefined;
  readonly call: (session: string, method: string, input: unknown) => Promise<JsonAnswer>;
  readonly maxPayload: number;
  readonly log: (e: unknown) => void;
  /**
   * Keeps a large answer for the session to fetch over HTTP (GET /api/answer/<token>): its key.
   * A page parses a socket message on its main thread, where 26 MB of JSON (a worklist's "Show
   * all") held the window for 230 ms; a fetched answer is parsed off it.
   */
  readonly keep: (session: string, json: string) => string;
}

/** Answers longer than this go by HTTP (see SocketOptions.keep). */
export const LARGE_ANSWER = 256 * 1024;

const refused = (message: string): string => JSON.stringify({ ok: false, error: { code: 'invalid_input', message, details: [] } } satisfies ApiResult<never>);

/** Takes over the server's upgrade requests for the API socket; anything else is refused. */
export function attachApiSocket(server: Server, options: SocketOptions): { close(): void } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload });
  const reject = (socket: Duplex, status: string) => {
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    socket.destroy();
  };
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const ours = options.ours();
    if (!ours.has(req.headers.host ?? '')) return reject(socket, '421 Misdirected Request');
    const origin = req.headers.origin;
    if (origin === undefined || !ours.has(origin.replace(/^http:\/\//, ''))) return reject(socket, '403 Forbidden');
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== SOCKET_PATH) return reject(socket, '404 Not Found');
    const session = options.session(req.headers.cookie);
    if (!session) return reject(socket, '401 Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => serveSocket(ws, session, options));
  });
  return {
    close: () => {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}

function serveSocket(ws: WebSocket, session: string, options: SocketOptions): void {
  ws.on('error', (e) => options.log(e));
  ws.on('message', (data, isBinary) => {
    let call: SocketCall;
    try {
      call = parseCall(isBinary ? '' : data.toString());
    } catch (e) {
      // Without an id there is nobody to answer: the socket is closed (the tab opens another for its next call).
      ws.close(1007, e instanceof Error ? e.message.slice(0, 120) : 'The message is not a call.');
      return;
    }
    // The answer on the socket: {"id": <the call's id>, "result": <the JSON POST /api/<method> answers>}.
    const send = (json: string) => {
      if (ws.readyState === ws.OPEN) ws.send(`{"id":${call.id},"result":${json}}`);
    };
    if (typeof call.method !== 'string' || call.method === '') return send(refused('The call names no method.'));
    options.call(session, call.method, call.input).then(
      (answer) => {
        if (answer.json.length <= LARGE_ANSWER) send(answer.json);
        // {"id": …, "fetch": "<token>"}: the answer is at GET /api/answer/<token>, once.
        else if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id: call.id, fetch: options.keep(session, answer.json) }));
      },
      (e: unknown) => {
        options.log(e);
        send(JSON.stringify({ ok: false, error: { code: 'internal', message: 'An unexpected error occurred; nothing was changed.', details: [] } } satisfies ApiResult<never>));
      },
    );
  });
}

function parseCall(text: string): SocketCall {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('The message is not JSON.');
  }
  if (typeof value !== 'object' || value === null || !Number.isSafeInteger((value as SocketCall).id)) throw new Error('The message is not a call with an id.');
  const { id, method, input } = value as SocketCall;
  return { id, method, input: input ?? {} };
}
