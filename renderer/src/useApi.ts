import { useEffect, useState } from 'react';
import { ApiError, invoke } from './api';
import type { Input, Method, Output } from '../../core/api';

export type Loaded<T> = { state: 'loading' } | { state: 'error'; error: ApiError } | { state: 'ready'; value: T };

/**
 * Calls a read method and re-calls it when the input changes. A new `refresh` number re-reads
 * the same input and keeps showing the last value until the new one arrives, so the page (and
 * what is open on it) stays in place.
 */
export function useApi<M extends Method>(method: M, input: Input<M>, refresh = 0, enabled = true): Loaded<Output<M>> {
  const key = JSON.stringify(input);
  // Each answer is kept with the input it answers: on the render where the input changes (before
  // the new call goes out) the last answer is for another input, and is not shown as this one's.
  const [loaded, setLoaded] = useState<{ key: string; loaded: Loaded<Output<M>> } | null>(null);
  const mine = `${method}:${key}`;
  useEffect(() => {
    // Not asked (yet): nothing to load, and no request.
    if (!enabled) return;
    let live = true;
    invoke(method, JSON.parse(key) as Input<M>).then(
      (value) => live && setLoaded({ key: `${method}:${key}`, loaded: { state: 'ready', value } }),
      (error: unknown) =>
        live &&
        setLoaded({ key: `${method}:${key}`, loaded: { state: 'error', error: error instanceof ApiError ? error : new ApiError({ code: 'internal', message: String(error) }) } }),
    );
    return () => {
      live = false;
    };
  }, [method, key, refresh, enabled]);
  return loaded !== null && loaded.key === mine ? loaded.loaded : LOADING;
}

const LOADING = { state: 'loading' } as const;
