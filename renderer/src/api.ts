// The renderer's client for the API contract: IPC through the preload in Electron, loopback
// HTTP with the session token in browser mode. The renderer never sees SQL or Node.
import type { ApiErrorBody, ApiResult, Input, Method, Output } from '../../core/api';

interface Bridge {
  invoke(method: string, input: unknown): Promise<unknown>;
  onNavigate(listener: (route: string) => void): void;
}

declare global {
  interface Window {
    trialcoord?: Bridge;
  }
}

const TOKEN_KEY = 'trialcoord.token';
const TOKEN_HEADER = 'x-trialcoord-token';

export class ApiError extends Error {
  readonly code: string;
  readonly details: readonly string[];
  constructor(body: ApiErrorBody | { code: string; message: string; details?: readonly string[] }) {
    super(body.message);
    this.code = body.code;
    this.details = body.details ?? [];
  }
}

/** Browser mode: take the token from the URL once, keep it for this tab, and drop it from the address bar. */
export function adoptSessionToken(): void {
  const url = new URL(window.location.href);
  const token = url.searchParams.get('token');
  if (token) {
    sessionStorage.setItem(TOKEN_KEY, token);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
}

export function bridge(): Bridge | undefined {
  return window.trialcoord;
}

export async function invoke<M extends Method>(method: M, input: Input<M>): Promise<Output<M>> {
  let result: ApiResult<Output<M>>;
  const b = bridge();
  if (b) {
    result = (await b.invoke(method, input)) as ApiResult<Output<M>>;
  } else {
    const response = await fetch(`./api/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [TOKEN_HEADER]: sessionStorage.getItem(TOKEN_KEY) ?? '' },
      body: JSON.stringify(input),
    });
    if (response.status === 401) throw new ApiError({ code: 'unauthorized', message: 'This browser tab has no valid session. Open the address printed by "npm start" again.' });
    result = (await response.json()) as ApiResult<Output<M>>;
  }
  if (!result.ok) throw new ApiError(result.error);
  return result.value;
}
