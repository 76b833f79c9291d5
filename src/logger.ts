import pino from 'pino';

/**
 * Logs say what happened with ids, never secrets. The redaction list is a second line of
 * defence: no code path should hand these fields to the logger in the first place.
 */
export const redactedPaths = [
  'password',
  '*.password',
  'newPassword',
  '*.newPassword',
  'currentPassword',
  '*.currentPassword',
  'token',
  '*.token',
  'tempPassword',
  '*.tempPassword',
  'pepper',
  '*.pepper',
  'req.headers.cookie',
  'req.headers.authorization',
];

export type Logger = pino.Logger;

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: redactedPaths, censor: '[redacted]' } }, destination);
}

export interface ServerLoggerOptions {
  readonly level: string;
  /** `auto`: one readable line per entry on a terminal, JSON lines for a log collector otherwise. */
  readonly format: 'auto' | 'json' | 'pretty';
  readonly destination?: NodeJS.WritableStream & { isTTY?: boolean };
}

/** The logger of `latchkey serve`: pino-pretty is loaded only when a person will read the output. */
export async function createServerLogger(options: ServerLoggerOptions): Promise<Logger> {
  const destination = options.destination ?? process.stdout;
  const pretty = options.format === 'pretty' || (options.format === 'auto' && destination.isTTY === true);
  if (!pretty) return createLogger(options.level, destination as pino.DestinationStream);
  const { default: prettyStream } = await import('pino-pretty');
  return createLogger(
    options.level,
    prettyStream({
      destination,
      colorize: destination.isTTY === true,
      singleLine: true,
      translateTime: 'SYS:HH:MM:ss',
      ignore: 'pid,hostname',
      sync: true,
    }),
  );
}
