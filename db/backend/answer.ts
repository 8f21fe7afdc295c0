// A call's answer as it crosses the backend: the JSON the worker wrote, read back into an object
// only where something needs the object (the host's session bookkeeping, the desktop window's
// IPC). Browser mode sends the JSON on as it is: the answer is written once, on the worker's
// thread, and never copied as an object graph between threads.
import type { ApiResult } from '../../core/api.js';

export class Answer {
  private parsed: ApiResult<unknown> | undefined;

  private constructor(
    readonly json: string,
    readonly ok: boolean,
    /** The error's code; null for an answer that is not an error. */
    readonly code: string | null,
    parsed?: ApiResult<unknown>,
  ) {
    this.parsed = parsed;
  }

  static fromJson(json: string, ok: boolean, code: string | null): Answer {
    return new Answer(json, ok, code);
  }

  static of(result: ApiResult<unknown>): Answer {
    return new Answer(JSON.stringify(result), result.ok, result.ok ? null : result.error.code, result);
  }

  get result(): ApiResult<unknown> {
    return (this.parsed ??= JSON.parse(this.json) as ApiResult<unknown>);
  }

  /** The answer's value (a successful answer only). */
  value<T>(): T {
    const r = this.result;
    if (!r.ok) throw new Error('an error answer has no value');
    return r.value as T;
  }
}
