import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  clientStream,
  decideClient,
  evolveClient,
  initialClientState,
  type ClientCommand,
  type ClientEvent,
  type ClientState,
} from '../domain/client.ts';
import { isEventOfStream } from '../domain/events.ts';
import { ok, reject, type Rejection, type Result } from '../domain/result.ts';
import { commandContext, waitUntilReadable, type AppDeps, type Requester } from './deps.ts';
import { forEachConcurrently } from './concurrently.ts';
import { foldStream, handleCommand, type Decider } from './handle-command.ts';
import type { ImportRow, ParsedImport } from './client-import.ts';

export const clientDecider: Decider<ClientCommand, ClientEvent, ClientState> = {
  initialState: initialClientState,
  accepts: (event) => isEventOfStream(event, 'client'),
  evolve: (state, event) => evolveClient(state, event),
  decide: decideClient,
};

const importConcurrency = 8;

export type RowOutcome = 'new' | 'changed' | 'unchanged' | 'error';

export interface ImportReport {
  readonly rows: readonly (ImportRow & { readonly outcome: RowOutcome })[];
  readonly fileError: string | null;
  readonly written: boolean;
  readonly counts: Record<RowOutcome, number>;
}

/**
 * Every row is checked before anything is written: one bad row and nothing is imported, so a
 * file is never half-applied. Each client is registered with a command id derived from its
 * row, so running the same import again (or resuming one that was interrupted) adds nothing.
 */
export async function importClients(
  deps: AppDeps,
  parsed: ParsedImport,
  options: { dryRun: boolean; onProgress?: (done: number, total: number) => void },
  requester: Requester,
): Promise<ImportReport> {
  const outcomes = await Promise.all(parsed.rows.map(async (row) => ({ ...row, ...(await previewRow(deps, row)) })));
  const counts = { new: 0, changed: 0, unchanged: 0, error: 0 };
  for (const row of outcomes) counts[row.outcome] += 1;
  const writable = parsed.fileError === null && counts.error === 0 && !options.dryRun;
  if (writable) {
    let lastPosition: string | null = null;
    let done = 0;
    await forEachConcurrently(outcomes, importConcurrency, async (row) => {
      if (row.outcome !== 'unchanged') {
        const handled = await handleCommand(
          deps.store,
          clientDecider,
          clientStream(deps.businessId, row.clientId!),
          { type: 'RegisterClient', clientId: row.clientId!, details: row.details! },
          commandContext(deps, {
            ...requester,
            commandId: `import:${row.clientId}:${row.revision}:${fingerprintDetails(row)}`,
          }),
        );
        if (!handled.ok)
          throw new Error(`client ${row.clientId} was refused after validation: ${handled.error.message}`);
        if (
          handled.value.position &&
          (lastPosition === null || deps.store.comparePositions(handled.value.position, lastPosition) > 0)
        ) {
          lastPosition = handled.value.position;
        }
      }
      options.onProgress?.(++done, outcomes.length);
    });
    await waitUntilReadable(deps, lastPosition);
  }
  return { rows: outcomes, fileError: parsed.fileError, written: writable, counts };
}

/**
 * The outcome of a row against the client's stream as it is now, and that stream's revision: the
 * revision goes into the command id, so importing details the client had before (A, then B, then
 * A again) is a new command, while a retry of this very import is not.
 */
async function previewRow(deps: AppDeps, row: ImportRow): Promise<{ outcome: RowOutcome; revision: number }> {
  if (row.errors.length > 0 || !row.details || !row.clientId) return { outcome: 'error', revision: -1 };
  const recorded = await deps.store.readStream(clientStream(deps.businessId, row.clientId));
  const state = foldStream(clientDecider, recorded);
  const revision = recorded.length - 1;
  const decision = decideClient({ type: 'RegisterClient', clientId: row.clientId, details: row.details }, state);
  if (!decision.ok) return { outcome: 'error', revision };
  if (decision.value.length === 0) return { outcome: 'unchanged', revision };
  return { outcome: state.status === 'unknown' ? 'new' : 'changed', revision };
}

function fingerprintDetails(row: ImportRow): string {
  return createHash('sha256').update(JSON.stringify(row.details)).digest('hex').slice(0, 16);
}

export type ChangeEmailRejection = Rejection<'unknown_client' | 'invalid_email' | 'archived_client'>;

const emailAddress = z.email();

/**
 * Staff correct a client's email (a bounce, a typo in the booking system). It is the same
 * directory command as an import (RegisterClient with the details as they now are), so the
 * stream records one ClientDetailsChanged with staff as the actor; the same email again changes
 * nothing. The next credentials email goes to the new address.
 */
export async function changeClientEmail(
  deps: AppDeps,
  input: { clientId: string; email: string },
  requester: Requester,
): Promise<Result<{ email: string; changed: boolean; previous: string | null }, ChangeEmailRejection>> {
  const email = input.email.trim().toLowerCase();
  if (!emailAddress.safeParse(email).success)
    return reject('invalid_email', `${input.email.trim() || 'That'} is not a valid email address.`);
  const recorded = await deps.store.readStream(clientStream(deps.businessId, input.clientId));
  const state = foldStream(clientDecider, recorded);
  if (state.status === 'unknown') return reject('unknown_client', `There is no client ${input.clientId}.`);
  if (state.status === 'archived')
    return reject('archived_client', `Client ${input.clientId} was removed from the directory.`);
  const previous = state.details.email;
  const handled = await handleCommand(
    deps.store,
    clientDecider,
    clientStream(deps.businessId, input.clientId),
    { type: 'RegisterClient', clientId: input.clientId, details: { ...state.details, email } },
    commandContext(deps, {
      ...requester,
      commandId: requester.commandId ?? `set-email:${input.clientId}:${recorded.length - 1}:${email}`,
    }),
  );
  if (!handled.ok) throw new Error(`the email change of ${input.clientId} was refused: ${handled.error.message}`);
  await waitUntilReadable(deps, handled.value.position);
  return ok({ email, changed: handled.value.events.length > 0, previous });
}
