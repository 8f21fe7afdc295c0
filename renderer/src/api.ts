// The renderer's client for the API contract: IPC through the preload in Electron, loopback
// HTTP in browser mode (the session is an HttpOnly cookie the page never sees). The renderer
// never sees SQL or Node.
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
    let response: Response;
    try {
      response = await fetch(`./api/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input), credentials: 'same-origin' });
    } catch {
      throw new ApiError({ code: 'internal', message: 'The app is not answering: is Trial Coordinator still running?' });
    }
    result = (await response.json().catch(() => ({ ok: false, error: { code: 'internal', message: 'The app gave an answer it could not read.', details: [] } }))) as ApiResult<Output<M>>;
  }
  if (!result.ok) {
    if (result.error.code === 'locked' || (result.error.code === 'unauthorized' && method !== 'signIn' && method !== 'unlock')) for (const l of sessionListeners) l(result.error.code);
    throw new ApiError(result.error);
  }
  return result.value;
}
