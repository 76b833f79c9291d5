import { describeDamage } from './damage.ts';
import {
  BrokenChainError,
  ChainLinkRejectedError,
  DuplicateEventIdError,
  EventStoreUnavailableError,
  WrongExpectedRevisionError,
  type ExpectedRevision,
  type StoredLink,
} from './port.ts';

/** PostgreSQL's answers, translated once so that no SQLSTATE leaks past the adapter. */

export function toAppendError(error: unknown, stream: string, expected: ExpectedRevision, target: string): unknown {
  const { code, detail, constraint } = error as { code?: string; detail?: string; constraint?: string };
  if (code === 'LK001') return toConcurrencyError(stream, expected, detail);
  if (code === 'LK005') return toBrokenChainError(error, target);
  if (code === 'LK002') return new DuplicateEventIdError(detail ?? '', stream);
  // Two events of one batch sharing an id reach the unique index rather than the function's check.
  if (code === '23505' && constraint === 'events_id_key')
    return new DuplicateEventIdError(/\(id\)=\((.*)\)/.exec(detail ?? '')?.[1] ?? '', stream);
  return toUnavailableError(error, `the event store at ${target} is unavailable`);
}

/** The errors of `latchkey_append_links`, named after the link they concern. */
export function toAppendLinksError(error: unknown, links: readonly StoredLink[], target: string): unknown {
  const { code, detail, message } = error as { code?: string; detail?: string; message?: string };
  if (code === 'LK003') return new ChainLinkRejectedError(detail ?? '', message ?? '');
  if (code === 'LK005') return toBrokenChainError(error, target);
  if (code === 'LK004') {
    const { index, before } = JSON.parse(detail ?? '{}') as { index: number; before: number };
    const link = links[index - 1]!;
    const expected = link.revision === 0 ? 'no_stream' : link.revision - 1;
    return new WrongExpectedRevisionError(link.stream, expected, before < 0 ? 'no_stream' : before);
  }
  if (code === 'LK002' || (code === '23505' && (error as { constraint?: string }).constraint === 'events_id_key')) {
    const id = code === 'LK002' ? (detail ?? '') : (/\(id\)=\((.*)\)/.exec(detail ?? '')?.[1] ?? '');
    return new DuplicateEventIdError(id, links.find((link) => link.id === id)?.stream ?? '');
  }
  return toUnavailableError(error, `the event store at ${target} is unavailable`);
}

/** LK005: the stored head the append would continue does not verify, so nothing was written. */
function toBrokenChainError(error: unknown, target: string): BrokenChainError {
  const { detail, message } = error as { detail?: string; message?: string };
  const position = detail ?? '';
  const problem = message ?? 'it does not verify';
  return new BrokenChainError(
    position,
    problem,
    describeDamage(target, `the event at position ${position}, where this append would continue the chain: ${problem}`),
  );
}

export function toConcurrencyError(
  stream: string,
  expected: ExpectedRevision,
  actualDetail: string | undefined,
): WrongExpectedRevisionError {
  const actual = actualDetail === undefined || actualDetail === 'no_stream' ? 'no_stream' : Number(actualDetail);
  return new WrongExpectedRevisionError(stream, expected, actual);
}

const connectionErrorCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EAI_AGAIN',
  'EPIPE',
]);
// SQLSTATE classes 08 (connection), 28 (authorisation), 3D (no such database), 53100 (disk full),
// 53300 (too many connections), 57P0x (server going away) and 58030 (I/O error).
const unavailableSqlStates = /^(08...|28...|3D000|53100|53300|57P0[1-3]|58030)$/;
const connectionErrorMessages =
  /Connection terminated|timeout exceeded when trying to connect|not queryable|Cannot use a pool after calling end/;

/** Connection failures become EventStoreUnavailableError; anything else is a bug and passes through. */
export function toUnavailableError(error: unknown, context: string): unknown {
  if (error instanceof EventStoreUnavailableError || !(error instanceof Error)) return error;
  const code = (error as { code?: string }).code ?? '';
  if (
    connectionErrorCodes.has(code) ||
    unavailableSqlStates.test(code) ||
    connectionErrorMessages.test(error.message)
  ) {
    return new EventStoreUnavailableError(`${context}: ${error.message}`, { cause: error });
  }
  return error;
}
