// The command line's errors: a problem with what the user asked for is printed as one line
// beginning "error: " (and its details, one per line), with exit code 2.
export class UsageError extends Error {
  constructor(
    message: string,
    readonly details: readonly string[] = [],
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export const fail = (message: string, details?: readonly string[]): never => {
  throw new UsageError(message, details);
};
