import { expect, it } from 'vitest';
import { decodeEvent, latchkeyEventTypes } from '../../src/domain/events.ts';
import { alertSubjectOf } from '../../src/slack/alert-events.ts';
import { asRecorded, sampleEvents } from '../support/sample-events.ts';

const subjectOf = (event: { type: string; data: unknown }) => alertSubjectOf(decodeEvent(asRecorded([event])[0]!)!);

it('the staff channel hears of burned temporary passwords, failed mail and completed first logins only', () => {
  const alerting = latchkeyEventTypes.filter((type) => subjectOf(sampleEvents[type]) !== null);
  expect(alerting).toEqual([
    'TempPasswordBurned',
    'PermanentPasswordChosen',
    'EmailSendFailed',
    'EmailSuppressed',
    'EmailDeliveryFailed',
    'EmailBounced',
  ]);
  expect(subjectOf(sampleEvents.EmailBounced)).toEqual({
    clientId: 'C1',
    subject: { kind: 'email_failed', how: 'bounced', reason: 'no such user' },
  });
});

it('only a burn by a failed attempt, a permanent failure and a permanent send failure alert', () => {
  const burned = sampleEvents.TempPasswordBurned;
  expect(subjectOf({ ...burned, data: { ...burned.data, reason: 'superseded' } })).toBeNull();
  const failed = sampleEvents.EmailDeliveryFailed;
  expect(subjectOf({ ...failed, data: { ...failed.data, severity: 'temporary' } })).toBeNull();
  const unsent = sampleEvents.EmailSendFailed;
  expect(subjectOf({ ...unsent, data: { ...unsent.data, permanent: false } })).toBeNull();
  expect(subjectOf({ ...unsent, data: { ...unsent.data, permanent: false, gaveUpAfterAttempts: 9 } })).toMatchObject({
    subject: { kind: 'email_failed', how: 'could not be sent' },
  });
});
