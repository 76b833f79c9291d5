import { mailStream, type MailEvent } from '../domain/mail.ts';
import { reject, ok, type Rejection, type Result } from '../domain/result.ts';
import { commandContext, waitUntilReadable, type AppDeps, type Requester } from './deps.ts';
import { recordEvent } from './record-event.ts';

/**
 * Staff say a suppressed address is fixed (the mailbox works again, the unsubscribe was a
 * mistake): mail to it goes out again from the next request. Mailgun keeps a suppression list
 * of its own, which must be cleared there too.
 */
export async function liftMailSuppression(
  deps: AppDeps,
  input: { clientId: string },
  requester: Requester,
): Promise<Result<{ address: string; reason: string }, Rejection<'unknown_client' | 'not_suppressed'>>> {
  const client = deps.readModels.clients.getClient(input.clientId);
  if (!client) return reject('unknown_client', `There is no client ${input.clientId}.`);
  const suppression = client.email ? deps.readModels.mail.findSuppression(client.email) : null;
  if (!client.email || !suppression)
    return reject('not_suppressed', `Mail to ${client.email ?? 'this client'} is not suppressed; nothing to lift.`);
  const event: MailEvent = {
    type: 'EmailSuppressionLifted',
    data: { clientId: input.clientId, address: suppression.address, reason: suppression.reason },
  };
  const appended = await recordEvent(
    deps.store,
    mailStream(deps.businessId, input.clientId),
    event,
    commandContext(deps, requester),
    'any',
  );
  await waitUntilReadable(deps, appended.position);
  return ok({ address: suppression.address, reason: suppression.reason });
}
