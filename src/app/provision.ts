import type { BatchTally } from '../domain/batch.ts';
import { runBatch } from './batch.ts';
import { provisionClientForBatch } from './batch-item.ts';
import type { AppDeps, Requester } from './deps.ts';
import {
  emptyLeftOut,
  selectCredentialsRecipients,
  type CredentialsRecipients,
  type RecipientsLeftOut,
} from './credentials-recipients.ts';
import { newId } from './ids.ts';

export interface ProvisionOptions {
  readonly sendEmail: boolean;
  /** Email clients sent credentials within the resend cooldown too. */
  readonly force?: boolean;
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
/**
 * Who "provision everyone" would take on now (an email on file, no login, and the credentials
 * rule), and who it leaves out: provisionAll and the Slack menu's count both ask this.
 */
export function selectProvisioningRecipients(
  deps: Pick<AppDeps, 'readModels' | 'clock' | 'settings'>,
  options: { readonly sendEmail: boolean; readonly force?: boolean },
): CredentialsRecipients {
  const candidates = deps.readModels.credentials
    .listClientsWithoutLogin()
    .filter((client) => client.email !== null)
    .map((client) => client.clientId);
  return selectCredentialsRecipients(deps, candidates, {
    namedById: false,
    force: options.force ?? false,
    sendsEmail: options.sendEmail,
  });
}

export async function provisionAll(
  deps: AppDeps,
  options: ProvisionOptions,
  requester: Requester,
): Promise<{ batchId: string; tally: BatchTally; leftOut: RecipientsLeftOut }> {
  const unfinished = deps.readModels.batches.unfinishedBatches('provision');
  const resumeId = options.batchId ?? unfinished[0]?.batchId;
  const batchId = resumeId ?? newId();
  const { included: clientIds, leftOut } = resumeId
    ? { included: [], leftOut: emptyLeftOut }
    : selectProvisioningRecipients(deps, options);
  const existing = resumeId ? deps.readModels.batches.getBatch(resumeId) : null;
  if (resumeId && !existing) throw new Error(`there is no provisioning batch ${resumeId}`);
  options.onStart?.(batchId, Boolean(resumeId), existing?.total ?? clientIds.length);
  const item = { batchId, sendEmail: options.sendEmail, emailOwners: new Map<string, string>(), requester };
  const tally = await runBatch(
    deps,
    { batchId, kind: 'provision', clientIds, options: { sendEmail: options.sendEmail } },
    (clientId) => provisionClientForBatch(deps, item, clientId),
    requester,
    options.onProgress,
    provisioningConcurrency,
  );
  return { batchId, tally, leftOut };
}

const provisioningConcurrency = 8;
