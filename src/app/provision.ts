import { suggestUserNames } from '../domain/username.ts';
import type { BatchTally } from '../domain/batch.ts';
import type { AppDeps, Requester } from './deps.ts';
import { runBatch, type ItemOutcome } from './batch.ts';
import { newId } from './ids.ts';
import { assignLogin, requestCredentialsEmail } from './logins.ts';

export interface ProvisionOptions {
  readonly sendEmail: boolean;
  /** Resume this batch; by default an unfinished provisioning batch is resumed, else a new one starts. */
  readonly batchId?: string;
  readonly onProgress?: (tally: BatchTally, total: number) => void | Promise<void>;
  readonly onStart?: (batchId: string, resumed: boolean, total: number) => void;
}

/**
 * Provision everyone: each client with an email and no login gets user name = email (or, when
 * a couple shares one inbox, the first free suggestion such as first.last), and, when asked,
 * the credentials email, which carries a fresh temporary password minted by the mail relay.
 */
export async function provisionAll(
  deps: AppDeps,
  options: ProvisionOptions,
  requester: Requester,
): Promise<{ batchId: string; tally: BatchTally }> {
  const unfinished = deps.readModels.batches.unfinishedBatches('provision');
  const resumeId = options.batchId ?? unfinished[0]?.batchId;
  const batchId = resumeId ?? newId();
  const clientIds = resumeId
    ? []
    : deps.readModels.credentials
        .listClientsWithoutLogin()
        .filter((client) => client.email !== null)
        .map((client) => client.clientId);
  const existing = resumeId ? deps.readModels.batches.getBatch(resumeId) : null;
  if (resumeId && !existing) throw new Error(`there is no provisioning batch ${resumeId}`);
  options.onStart?.(batchId, Boolean(resumeId), existing?.total ?? clientIds.length);
  const emailOwners = new Map<string, string>();
  const tally = await runBatch(
    deps,
    { batchId, kind: 'provision', clientIds, options: { sendEmail: options.sendEmail } },
    (clientId) => provisionClient(deps, batchId, clientId, options.sendEmail, emailOwners, requester),
    requester,
    options.onProgress,
    provisioningConcurrency,
  );
  return { batchId, tally };
}

const provisioningConcurrency = 8;

/**
 * `emailOwners` makes the shared-inbox rule deterministic although items run concurrently: the
 * first client of the batch with an email claims it (in batch order, which is client-id order);
 * the others go straight to their name-based suggestions.
 */
async function provisionClient(
  deps: AppDeps,
  batchId: string,
  clientId: string,
  sendEmail: boolean,
  emailOwners: Map<string, string>,
  requester: Requester,
): Promise<ItemOutcome> {
  const client = deps.readModels.clients.getClient(clientId);
  if (!client?.email) return 'skipped';
  if (!emailOwners.has(client.email)) emailOwners.set(client.email, clientId);
  if (!deps.readModels.credentials.getCredential(clientId)) {
    const mayUseEmail = emailOwners.get(client.email) === clientId;
    const assigned = await assignFirstFreeUserName(deps, batchId, client, mayUseEmail, requester);
    if (!assigned) return 'failed';
  }
  if (sendEmail && deps.readModels.credentials.getCredential(clientId)?.disabled === false) {
    const requested = await requestCredentialsEmail(
      deps,
      { clientId, batchId },
      { ...requester, commandId: `${batchId}:email:${clientId}` },
    );
    if (!requested.ok) return 'failed';
  }
  return 'succeeded';
}

/** The user name = email rule of provisioning, falling back to suggestions (first.last…) when it is taken. */
export async function assignFirstFreeUserName(
  deps: AppDeps,
  batchId: string,
  client: { clientId: string; firstName: string; lastName: string; email: string | null },
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
