import { describe, expect, it } from 'vitest';
import { decodeEvent, latchkeyEventTypes } from '../../src/domain/events.ts';
import { mailTemplateByEvent, requestIdOf, toMailRequest, type MailTemplateTable } from '../../src/mail/requests.ts';
import { asRecorded, sampleEvents } from '../support/sample-events.ts';

const requestOf = (type: keyof typeof sampleEvents) =>
  toMailRequest(decodeEvent(asRecorded([sampleEvents[type]])[0]!)!);

describe('mail requests', () => {
  it('exactly the credential events that ask for mail become requests, each with its template', () => {
    const requests = Object.fromEntries(
      latchkeyEventTypes.flatMap((type) => {
        const request = requestOf(type);
        return request ? [[type, request.template]] : [];
      }),
    );
    expect(requests).toEqual({
      PermanentPasswordChosen: 'password-changed',
      PasswordChanged: 'password-changed',
      PasswordResetRequested: 'password-reset',
      PasswordResetCompleted: 'password-changed',
      CredentialsEmailRequested: 'client-login-credentials',
      UserNameReminderRequested: 'forgotten-user-name',
      NewSignInNoticeRequested: 'new-sign-in',
    });
  });

  it('a request names its client and carries the request id of its event', () => {
    const request = requestOf('CredentialsEmailRequested')!;
    expect(request).toMatchObject({ clientId: 'C1', template: 'client-login-credentials' });
    expect(requestIdOf(request)).toBe('R3');
    expect(requestIdOf(requestOf('PasswordChanged')!)).toBeUndefined();
  });

  it('a template table without an entry for an event type does not compile', () => {
    const { UserNameReminderRequested: _, ...withoutOne } = mailTemplateByEvent;
    // @ts-expect-error every event type must say which email it asks for, if any
    const incomplete: MailTemplateTable = withoutOne;
    expect(Object.keys(incomplete)).not.toContain('UserNameReminderRequested');
  });
});
