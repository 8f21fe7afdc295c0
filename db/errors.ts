/** Errors the app shows to a person: each says what is wrong in plain words. */
export class AppError extends Error {
  constructor(
    readonly code: 'invalid_input' | 'not_found' | 'conflict' | 'database',
    message: string,
    readonly details: readonly string[] = [],
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export class DatabaseFromFutureError extends Error {
  constructor(
    readonly found: number,
    readonly supported: number,
  ) {
    super(
      `This database was written by a newer version of Trial Coordinator (schema ${found}; this version understands up to ${supported}). ` +
        'It has not been changed. Update the app, or restore a backup.',
    );
    this.name = 'DatabaseFromFutureError';
  }
}
