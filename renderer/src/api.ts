// The renderer's client for the API contract: IPC through the preload in Electron; in browser
// mode one loopback WebSocket (cli/server-socket.ts), or HTTP where the socket cannot be opened
// (the session is an HttpOnly cookie the page never sees). The renderer never sees SQL or Node.
import type { AnyMethod, ApiErrorBody, ApiResult, Input, Output } from '../../core/api';

interface Bridge {
  invoke(method: string, input: unknown): Promise<unknown>;
  onNavigate(listener: (route: string) => void): void;
}

declare global {
  interface Window {
    trialcoord?: Bridge;
  }
}

export class ApiError extends Error {
  readonly code: string;
  readonly details: readonly string[];
  constructor(body: ApiErrorBody | { code: string; message: string; details?: readonly string[] }) {
    super(body.message);
    this.code = body.code;
    this.details = body.details ?? [];
  }
}

export function bridge(): Bridge | undefined {
  return window.trialcoord;
}

/** Told of every answer that says the session is locked or gone, so the app can ask for the passphrase. */
const sessionListeners = new Set<(code: 'locked' | 'unauthorized') => void>();
export function onSessionProblem(listener: (code: 'locked' | 'unauthorized') => void): () => void {
  sessionListeners.add(listener);
  return () => sessionListeners.delete(listener);
}

export async function invoke<M extends AnyMethod>(method: M, input: Input<M>): Promise<Output<M>> {
  let result: ApiResult<Output<M>>;
  const b = bridge();
  if (b) {
    result = (await b.invoke(method, input)) as ApiResult<Output<M>>;
  } else {
    result = (await socketCall(method, input)) ?? (await httpCall<Output<M>>(method, input));
  }
  if (!result.ok) {
    if (result.error.code === 'locked' || (result.error.code === 'unauthorized' && method !== 'signIn' && method !== 'unlock')) for (const l of sessionListeners) l(result.error.code);
    throw new ApiError(result.error);
  }
  return result.value;
}

async function httpCall<T>(method: string, input: unknown): Promise<ApiResult<T>> {
  let response: Response;
  try {
    response = await fetch(`./api/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input), credentials: 'same-origin' });
  } catch {
    throw new ApiError({ code: 'internal', message: NOT_ANSWERING });
  }
  return (await response.json().catch(() => ({ ok: false, error: { code: 'internal', message: 'The app gave an answer it could not read.', details: [] } }))) as ApiResult<T>;
}

const NOT_ANSWERING = 'The app is not answering: is Trial Coordinator still running?';
/** After a socket could not be opened, calls go over HTTP for this long before it is tried again. */
const SOCKET_RETRY_MS = 5000;

/** Browser mode's socket: one per tab, opened on the first call; calls and answers matched by id. */
const socket = {
  ws: null as WebSocket | null,
  opening: null as Promise<WebSocket | null> | null,
  retryAt: 0,
  nextId: 1,
  pending: new Map<number, { resolve: (r: ApiResult<unknown>) => void; reject: (e: Error) => void }>(),
};

function openSocket(): Promise<WebSocket | null> {
  if (socket.ws?.readyState === WebSocket.OPEN) return Promise.resolve(socket.ws);
  if (socket.opening) return socket.opening;
  if (Date.now() < socket.retryAt || typeof WebSocket === 'undefined') return Promise.resolve(null);
  socket.opening = new Promise<WebSocket | null>((resolve) => {
    const ws = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/api/socket`);
    ws.onopen = () => {
      socket.ws = ws;
      resolve(ws);
    };
    ws.onmessage = (e: MessageEvent) => {
      let answer: { id: number; result?: ApiResult<unknown>; fetch?: string };
      try {
        answer = JSON.parse(String(e.data)) as typeof answer;
      } catch {
        return;
      }
      const waiting = socket.pending.get(answer.id);
      socket.pending.delete(answer.id);
      if (!waiting) return;
      // A large answer waits at its own address: fetched, it is parsed off the window's thread.
      if (answer.fetch !== undefined)
        fetch(`./api/answer/${encodeURIComponent(answer.fetch)}`, { credentials: 'same-origin' })
          .then((r) => r.json() as Promise<ApiResult<unknown>>)
          .then(waiting.resolve, () => waiting.reject(new ApiError({ code: 'internal', message: NOT_ANSWERING })));
      else if (answer.result) waiting.resolve(answer.result);
    };
    // Never opened: HTTP for a while. Closed with calls unanswered: they may or may not have been
    // carried out, so they are not sent again; the next call opens a new socket.
    ws.onclose = () => {
      if (socket.ws !== ws) {
        socket.retryAt = Date.now() + SOCKET_RETRY_MS;
        resolve(null);
      } else socket.ws = null;
      for (const p of socket.pending.values()) p.reject(new ApiError({ code: 'internal', message: `${NOT_ANSWERING} Look at the record before trying again.` }));
      socket.pending.clear();
    };
  }).finally(() => (socket.opening = null));
  return socket.opening;
}

/** A call over the socket, or null where there is none (the caller then uses HTTP). */
async function socketCall<T>(method: string, input: unknown): Promise<ApiResult<T> | null> {
  const ws = await openSocket();
  if (!ws) return null;
  const id = socket.nextId++;
  return new Promise<ApiResult<T>>((resolve, reject) => {
    socket.pending.set(id, { resolve: resolve as (r: ApiResult<unknown>) => void, reject });
    ws.send(JSON.stringify({ id, method, input }));
  });
}
