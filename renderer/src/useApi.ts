import { useEffect, useState } from 'react';
import { ApiError, invoke } from './api';
import type { Input, Method, Output } from '../../core/api';

export type Loaded<T> = { state: 'loading' } | { state: 'error'; error: ApiError } | { state: 'ready'; value: T };

/** Calls a read method and re-calls it when the input changes. */
export function useApi<M extends Method>(method: M, input: Input<M>): Loaded<Output<M>> {
  const key = JSON.stringify(input);
  const [loaded, setLoaded] = useState<Loaded<Output<M>>>({ state: 'loading' });
  useEffect(() => {
    let live = true;
    setLoaded({ state: 'loading' });
    invoke(method, JSON.parse(key) as Input<M>).then(
      (value) => live && setLoaded({ state: 'ready', value }),
      (error: unknown) =>
        live && setLoaded({ state: 'error', error: error instanceof ApiError ? error : new ApiError({ code: 'internal', message: String(error) }) }),
    );
    return () => {
      live = false;
    };
  }, [method, key]);
  return loaded;
}
