import { describe, expect, it } from 'vitest';
import type { LatchkeyEvent } from '../../src/domain/events.ts';
import { useReadModels } from './support.ts';

const { readModels, apply } = useReadModels();

const clientId = 'C1';
const assigned: LatchkeyEvent = { type: 'LoginAssigned', data: { clientId, userName: 'olivia@example.com' } };
const requested: LatchkeyEvent = { type: 'CredentialsEmailRequested', data: { clientId, requestId: 'R1' } };
const sent = (requestEventId: string, providerMessageId: string): LatchkeyEvent => ({
  type: 'EmailSent',
  data: { clientId, requestEventId, template: 'client-login-credentials', to: 'Olivia@Example.com', providerMessageId },
});
const latest = () => readModels().mail.latestEmail(clientId);
const card = () => readModels().credentials.getCredential(clientId);

describe('the mail status read model', () => {
  it('a credential event that asks for mail opens a history row, requested', () => {
    const [, requestId] = apply([assigned, requested], '2026-03-03T14:00:00.000Z');
    expect(latest()).toEqual({
      requestEventId: requestId,
      clientId,
      template: 'client-login-credentials',
      to: null,
      providerMessageId: null,
      state: 'requested',
      reason: null,
      requestedAt: '2026-03-03T14:00:00.000Z',
      sentAt: null,
      failedAttempts: 0,
      nextAttemptAt: null,
      updatedAt: '2026-03-03T14:00:00.000Z',
    });
    expect(readModels().mail.lastCredentialsEmailRequestedAt(clientId)).toBe('2026-03-03T14:00:00.000Z');
  });

  it('a sent email carries its recipient and message id, and moves the card', () => {
    const [, requestId] = apply([assigned, requested]);
    apply([sent(requestId!, 'M1')], '2026-03-03T14:01:00.000Z');
    expect(latest()).toMatchObject({ state: 'sent', to: 'Olivia@Example.com', providerMessageId: 'M1' });
    expect(card()).toMatchObject({ lastEmailState: 'sent', lastEmailAt: '2026-03-03T14:01:00.000Z' });
    expect(readModels().mail.findClientIdsByMessageId('M1')).toEqual([clientId]);
    apply([{ type: 'EmailDelivered', data: { clientId, providerMessageId: 'M1' } }]);
    expect(latest()).toMatchObject({ state: 'delivered' });
    expect(card()).toMatchObject({ lastEmailState: 'delivered' });
  });

  it('a deferred send is on the retry schedule until it is sent or given up', () => {
    const [, first, second] = apply([
      assigned,
      requested,
      { type: 'PasswordResetRequested', data: { clientId, requestId: 'R2' } },
    ]);
    const deferred = (requestEventId: string, retryAt: string): LatchkeyEvent => ({
      type: 'EmailSendDeferred',
      data: {
        clientId,
        requestEventId,
        template: 'password-reset',
        attempt: 1,
        reason: 'Mailgun answered 503',
        retryAt,
      },
    });
    apply([deferred(second!, '2026-03-03T14:00:10.000Z'), deferred(first!, '2026-03-03T14:00:20.000Z')]);
    expect(
      readModels()
        .mail.listRetryingEmails()
        .map((e) => [e.requestEventId, e.failedAttempts, e.nextAttemptAt]),
    ).toEqual([
      [second, 1, '2026-03-03T14:00:10.000Z'],
      [first, 1, '2026-03-03T14:00:20.000Z'],
    ]);
    apply([
      sent(first!, 'M1'),
      {
        type: 'EmailSendFailed',
        data: {
          clientId,
          requestEventId: second!,
          template: 'password-reset',
          permanent: false,
          reason: 'still 503',
          gaveUpAfterAttempts: 9,
        },
      },
    ]);
    expect(readModels().mail.listRetryingEmails()).toEqual([]);
    expect(
      readModels()
        .mail.listTroubledEmails()
        .map((e) => [e.requestEventId, e.state, e.reason]),
    ).toEqual([[second, 'gave_up', 'still 503']]);
    expect(card()).toMatchObject({ lastEmailState: 'failed' });
  });

  it('a bounce suppresses the address (lower case) until staff lift it', () => {
    const [, requestId] = apply([assigned, requested]);
    apply([sent(requestId!, 'M1')]);
    apply(
      [{ type: 'EmailBounced', data: { clientId, providerMessageId: 'M1', reason: 'no such user' } }],
      '2026-03-04T09:00:00.000Z',
    );
    expect(latest()).toMatchObject({ state: 'bounced', reason: 'no such user' });
    expect(card()).toMatchObject({ lastEmailState: 'bounced' });
    expect(readModels().mail.findSuppression('OLIVIA@example.com')).toEqual({
      address: 'olivia@example.com',
      reason: 'bounced',
      since: '2026-03-04T09:00:00.000Z',
      clientId,
    });
    apply([{ type: 'EmailSuppressionLifted', data: { clientId, address: 'Olivia@example.com', reason: 'bounced' } }]);
    expect(readModels().mail.listSuppressions()).toEqual([]);
  });

  it('a temporary delivery failure is late, not lost: the card keeps its state', () => {
    const [, requestId] = apply([assigned, requested]);
    apply([sent(requestId!, 'M1')]);
    apply([
      {
        type: 'EmailDeliveryFailed',
        data: { clientId, providerMessageId: 'M1', severity: 'temporary', reason: 'greylisted' },
      },
    ]);
    expect(latest()).toMatchObject({ state: 'deferred', reason: 'greylisted' });
    expect(card()).toMatchObject({ lastEmailState: 'sent' });
    expect(readModels().mail.listSuppressions()).toEqual([]);
  });

  it('a late report on an older email does not hide the state of the newest one', () => {
    const [, older] = apply([assigned, requested]);
    apply([sent(older!, 'M1')]);
    const [newer] = apply([{ type: 'CredentialsEmailRequested', data: { clientId, requestId: 'R2' } }]);
    apply([sent(newer!, 'M2')]);
    apply([{ type: 'EmailComplained', data: { clientId, providerMessageId: 'M1' } }]);
    expect(card()).toMatchObject({ lastEmailState: 'sent' });
    expect(
      readModels()
        .mail.clientMailHistory(clientId)
        .map((e) => [e.providerMessageId, e.state]),
    ).toEqual([
      ['M2', 'sent'],
      ['M1', 'complained'],
    ]);
    expect(readModels().mail.findSuppression('olivia@example.com')).toMatchObject({ reason: 'complained' });
  });

  it('a suppressed send records why, and no message id', () => {
    const [, requestId] = apply([assigned, requested]);
    apply([
      {
        type: 'EmailSuppressed',
        data: {
          clientId,
          requestEventId: requestId!,
          template: 'client-login-credentials',
          to: 'olivia@example.com',
          reason: 'unsubscribed',
          since: '2026-03-01T10:00:00.000Z',
        },
      },
    ]);
    expect(latest()).toMatchObject({
      state: 'suppressed',
      to: 'olivia@example.com',
      providerMessageId: null,
      reason: 'the address unsubscribed on 2026-03-01',
    });
    expect(card()).toMatchObject({ lastEmailState: 'failed' });
  });
});
