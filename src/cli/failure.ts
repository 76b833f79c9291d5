import { CliError } from './errors.ts';
import { OutputClosedError } from './output.ts';

export interface Failure {
  /** One line naming the problem and what to do about it. */
  readonly message: string;
  /** The stack trace, only when asked for with --debug or LOG_LEVEL=debug. */
  readonly details: string | null;
  /** The reader closed the pipe: not a failure of the command, nothing to say. */
  readonly quiet: boolean;
}

/**
 * Sorts a failure into one a person can act on (bad settings, a store that cannot be reached, a
 * port in use, a bad argument) and everything else. The modules that define the expected errors
 * are loaded only here, on the way out, so a successful `--help` never pays for them.
 */
export async function describeFailure(error: unknown, options: { debug: boolean }): Promise<Failure> {
  if (error instanceof OutputClosedError) return { message: '', details: null, quiet: true };
  const [
    { ConfigError, debugLoggingRequested },
    { EventStoreUnavailableError },
    { MailTemplateError },
    { ListenError },
  ] = await Promise.all([
    import('../config.ts'),
    import('../eventstore/port.ts'),
    import('../mail/templates.ts'),
    import('../http/server.ts'),
  ]);
  const debug = options.debug || debugLoggingRequested();
  const details = debug && error instanceof Error ? (error.stack ?? null) : null;
  const expected =
    error instanceof CliError ||
    error instanceof ConfigError ||
    error instanceof EventStoreUnavailableError ||
    error instanceof MailTemplateError ||
    error instanceof ListenError;
  if (expected) return { message: oneLine(error.message), details, quiet: false };
  const message = error instanceof Error ? error.message : String(error);
  return {
    message: `unexpected failure: ${oneLine(message)}${debug ? '' : ' (run again with --debug for the details, and report it)'}`,
    details,
    quiet: false,
  };
}

function oneLine(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join(' ');
}
