/** Errors the app shows to a person: each says what is wrong in plain words. */
export class AppError extends Error {
  constructor(
    readonly code: 'invalid_input' | 'not_found' | 'conflict' | 'database' | 'unauthorized' | 'forbidden' | 'locked',
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

export class DatabaseDamagedError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(
      `The database ${file} is damaged and has not been changed: ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? ` (and ${problems.length - 3} more)` : ''}. ` +
        'Restore a backup (trialcoord restore <file>; backups are in the "backups" folder beside the database).',
    );
    this.name = 'DatabaseDamagedError';
  }
}
