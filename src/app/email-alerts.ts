import type { BatchTally } from '../domain/batch.ts';
import { err, reject, ok, type Rejection, type Result } from '../domain/result.ts';
import { runBatch } from './batch.ts';
import { provisionClientForBatch } from './batch-item.ts';
import {
  chosenAtStart,
  credentialsEmailSkip,
  describeRecipientsLeftOut,
  emptyLeftOut,
  selectCredentialsRecipients,
  type RecipientsLeftOut,
} from './credentials-recipients.ts';
import type { AppDeps, Requester } from './deps.ts';
import { newId } from './ids.ts';

/**
 * Who gets an Email Alert (the Client Login Credentials template, each with a fresh temporary password):
 * - never-logged-in: every enabled login that has never signed in;
 * - no-login: every client with an email and no login. Credentials need a login, so each is
 *   provisioned first exactly as `provision` does (user name = email, or first.last when a shared
 *   inbox already gave the email to someone else);
 * - ids: the clients named, provisioned first the same way when they have no login.
 * Who is left out (inactive, no email, a disabled login, a suppressed address, emailed within the
 * resend cooldown) is decided by credentialsEmailSkip (credentials-recipients.ts), both here and
 * when each item runs.
 */
export type EmailAlertGroup = 'never-logged-in' | 'no-login' | 'ids';

export interface EmailAlertInput {
  readonly group: EmailAlertGroup;
  /** For the `ids` group. */
  readonly clientIds?: readonly string[];
  /** Resume this unfinished alert: its client list is the one recorded when it started. */
  readonly batchId?: string;
  /** Email clients sent credentials within the resend cooldown too (the CLI's --force, Slack's confirm). */
  readonly force?: boolean;
  readonly onStart?: (batchId: string, total: number) => void;
  readonly onProgress?: (tally: BatchTally, total: number) => void | Promise<void>;
}

export type EmailAlertRejection = Rejection<'unknown_client' | 'no_clients' | 'unknown_batch'> & {
  /** When everyone in the group was left out: who, and why (Slack offers to send anyway). */
  readonly leftOut?: RecipientsLeftOut;
};

const alertConcurrency = 8;

/** A tracked batch (kind 'email_alert'): each item records one credentials request, by its own command id. */
export async function sendEmailAlert(
  deps: AppDeps,
  input: EmailAlertInput,
  requester: Requester,
): Promise<
  Result<{ batchId: string; total: number; tally: BatchTally; leftOut: RecipientsLeftOut }, EmailAlertRejection>
> {
  const existing = input.batchId ? deps.readModels.batches.getBatch(input.batchId) : null;
  if (input.batchId && existing?.kind !== 'email_alert')
    return reject('unknown_batch', `There is no Email Alert ${input.batchId} to resume.`);
  const selected = existing ? ok({ included: [], leftOut: emptyLeftOut }) : selectEmailAlertRecipients(deps, input);
  if (!selected.ok) return selected;
  const { included, leftOut } = selected.value;
  const batchId = input.batchId ?? newId();
  const total = existing?.total ?? included.length;
  input.onStart?.(batchId, total);
  const item = { batchId, sendEmail: true, emailOwners: new Map<string, string>(), requester };
  const tally = await runBatch(
    deps,
    { batchId, kind: 'email_alert', clientIds: included, options: { group: input.group } },
    (clientId) => provisionClientForBatch(deps, item, clientId),
    requester,
    input.onProgress,
    alertConcurrency,
  );
  return ok({ batchId, total, tally, leftOut });
}

/**
 * Who an Email Alert would email now, and who it leaves out (and why): sendEmailAlert and the
 * Slack menu's group counts both ask this, so a count is what a send then does.
 */
export function selectEmailAlertRecipients(
  deps: AppDeps,
  input: EmailAlertInput,
): Result<{ included: readonly string[]; leftOut: RecipientsLeftOut }, EmailAlertRejection> {
  const { clients, credentials } = deps.readModels;
  // A group holds those who could be mailed at all; the cooldown and suppressions are reported below.
  const mayEmail = (clientId: string) => {
    const skip = credentialsEmailSkip(deps, clientId, chosenAtStart);
    return skip !== 'no_email' && skip !== 'login_disabled';
  };
  let clientIds: string[];
  switch (input.group) {
    case 'never-logged-in':
      clientIds = credentials
        .listCredentials()
        .filter((login) => login.lastLoginAt === null && mayEmail(login.clientId))
        .map((login) => login.clientId);
      break;
    case 'no-login':
      clientIds = credentials
        .listClientsWithoutLogin()
        .filter((client) => mayEmail(client.clientId))
        .map((client) => client.clientId);
      break;
    case 'ids': {
      clientIds = [...new Set(input.clientIds ?? [])];
      const unknown = clientIds.filter((clientId) => !clients.getClient(clientId));
      if (unknown.length > 0)
        return reject('unknown_client', `There is no client ${unknown.join(', ')}. Nothing was sent.`);
      break;
    }
  }
  if (clientIds.length === 0) return reject('no_clients', 'Nobody is in that group, so nothing was sent.');
  const selected = selectCredentialsRecipients(deps, clientIds, {
    namedById: input.group === 'ids',
    force: input.force ?? false,
    sendsEmail: true,
  });
  if (selected.included.length === 0) {
    const why = describeRecipientsLeftOut(selected.leftOut, deps.settings.credentialsResendCooldownSeconds);
    const message = `Nobody in that group can be emailed now, so nothing was sent. ${why ?? ''}`.trim();
    return err({ code: 'no_clients', message, leftOut: selected.leftOut });
  }
  return ok(selected);
}
