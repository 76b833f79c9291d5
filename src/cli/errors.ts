/** An expected failure of a command: its message is shown as it is, and the exit code is 1. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

export function fail(message: string): never {
  throw new CliError(message);
}
