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
