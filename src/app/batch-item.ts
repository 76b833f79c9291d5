import type { ClientView } from '../projections/clients.ts';
import { suggestUserNames } from '../domain/username.ts';
import type { ItemOutcome } from './batch.ts';
import { chosenAtStart, credentialsEmailSkip } from './credentials-recipients.ts';
import type { AppDeps, Requester } from './deps.ts';
import { assignLogin, requestCredentialsEmail } from './logins.ts';

/** What one batch shares across its items. */
export interface BatchItemRun {
  readonly batchId: string;
  /** Whether each item ends with a credentials request (always for Email Alerts; `--email` for provisioning). */
  readonly sendEmail: boolean;
  /** The first client of the batch with an email claims it as user name; see provisionClientForBatch. */
  readonly emailOwners: Map<string, string>;
  readonly requester: Requester;
}

/**
 * One item of provisioning or of an Email Alert: a client with an email and no login gets one
 * (user name = email, or a name-based suggestion when a shared inbox already gave the email to an
 * earlier client of the batch), then, when the batch sends email and credentialsEmailSkip allows it, the
 * credentials request. Every step has a command id derived from the batch, so a resumed batch
 * redoes nothing. `emailOwners` keeps the shared-inbox rule deterministic although items run
 * concurrently: owners are claimed in batch order, which is client-id order.
 */
export async function provisionClientForBatch(
  deps: AppDeps,
  run: BatchItemRun,
  clientId: string,
): Promise<ItemOutcome> {
  const client = deps.readModels.clients.getClient(clientId);
  if (!client?.email) return 'skipped';
  if (!run.emailOwners.has(client.email)) run.emailOwners.set(client.email, clientId);
  if (!deps.readModels.credentials.getCredential(clientId)) {
    const mayUseEmail = run.emailOwners.get(client.email) === clientId;
    const assigned = await assignFirstFreeUserName(deps, run.batchId, client, mayUseEmail, run.requester);
    if (!assigned) return 'failed';
  }
  if (!run.sendEmail) return 'succeeded';
  if (credentialsEmailSkip(deps, clientId, chosenAtStart) !== null) return 'skipped';
  const requested = await requestCredentialsEmail(
    deps,
    { clientId, batchId: run.batchId },
    { ...run.requester, commandId: `${run.batchId}:email:${clientId}` },
  );
  return requested.ok ? 'succeeded' : 'failed';
}

/** The user name = email rule of provisioning, falling back to suggestions (first.last…) when it is taken. */
async function assignFirstFreeUserName(
  deps: AppDeps,
  batchId: string,
  client: ClientView,
  mayUseEmail: boolean,
  requester: Requester,
): Promise<boolean> {
  for (const userName of suggestUserNames(client)) {
    if (!mayUseEmail && userName === client.email) continue;
    const holder = deps.readModels.credentials.findClientIdByUserName(userName);
    if (holder && holder !== client.clientId) continue;
    const assigned = await assignLogin(
      deps,
      { clientId: client.clientId, userName },
      { ...requester, commandId: `${batchId}:assign:${client.clientId}:${userName}` },
    );
    if (assigned.ok) return true;
  }
  return false;
}
