import { describe, expect, it } from 'vitest';
import type { CredentialEvent } from '../../src/domain/credential/events.ts';
import { describeLoginStatus, formatLoginStatus } from '../../src/projections/login-status.ts';
import { useReadModels } from './support.ts';

const { readModels, apply } = useReadModels();

const clientId = 'C1';
const assigned: CredentialEvent = { type: 'LoginAssigned', data: { clientId, userName: 'olivia@example.com' } };
const issued: CredentialEvent = {
  type: 'TempPasswordIssued',
  data: {
    clientId,
    tempPasswordId: 'T1',
    secretHash: 'hash-T1',
    expiresAt: '2026-03-10T14:00:00.000Z',
    delivery: 'email',
  },
};
const consumed: CredentialEvent = { type: 'TempPasswordConsumed', data: { clientId, tempPasswordId: 'T1' } };
const chosen: CredentialEvent = { type: 'PermanentPasswordChosen', data: { clientId, passwordHash: 'scrypt-1' } };
const failed = (reason: 'wrong_password' | 'throttled'): CredentialEvent => ({
  type: 'LoginFailed',
  data: { clientId, reason },
});
const credential = () => readModels().credentials.getCredential(clientId);
const statusAt = (now: string) => describeLoginStatus(credential(), new Date(now));

describe('the credentials read model', () => {
  it('a new login has its user name and nothing else', () => {
    apply([assigned]);
    expect(credential()).toEqual({
      clientId,
      userName: 'olivia@example.com',
      disabled: false,
      hasPassword: false,
      mustChoosePassword: false,
      tempExpiresAt: null,
      tempOutcome: null,
      tempOutcomeAt: null,
      resetExpiresAt: null,
      sessionVersion: 0,
      lastLoginAt: null,
      lastEmailAt: null,
      lastEmailState: null,
      consecutiveFailures: 0,
      lastFailureAt: null,
    });
    expect(readModels().credentials.findClientIdByUserName('olivia@example.com')).toBe(clientId);
    expect(statusAt('2026-03-03T14:00:00.000Z')).toEqual({ kind: 'no_password' });
  });

  it('a renamed login is found by its new name only', () => {
    apply([assigned, { type: 'LoginRenamed', data: { clientId, from: 'olivia@example.com', to: 'liv' } }]);
    expect(readModels().credentials.findClientIdByUserName('liv')).toBe(clientId);
    expect(readModels().credentials.findClientIdByUserName('olivia@example.com')).toBeNull();
  });

  it('a temporary password is pending until it expires, then shows as expired', () => {
    apply([assigned, issued]);
    expect(credential()).toMatchObject({ tempExpiresAt: '2026-03-10T14:00:00.000Z', tempOutcome: null });
    expect(statusAt('2026-03-09T14:00:00.000Z')).toEqual({
      kind: 'temp_pending',
      expiresAt: '2026-03-10T14:00:00.000Z',
    });
    expect(formatLoginStatus(statusAt('2026-03-11T14:00:00.000Z'))).toBe(
      'Temporary password expired 2026-03-10T14:00:00.000Z',
    );
  });

  it('a consumed temporary password leaves the client choosing a password; choosing one ends sessions', () => {
    apply([assigned, issued]);
    apply([consumed], '2026-03-04T08:00:00.000Z');
    expect(credential()).toMatchObject({
      tempExpiresAt: null,
      tempOutcome: 'consumed',
      tempOutcomeAt: '2026-03-04T08:00:00.000Z',
      mustChoosePassword: true,
    });
    expect(statusAt('2026-03-04T09:00:00.000Z')).toEqual({ kind: 'must_choose_password' });
    apply([chosen]);
    expect(credential()).toMatchObject({ hasPassword: true, mustChoosePassword: false, sessionVersion: 1 });
    expect(statusAt('2026-03-04T09:00:00.000Z')).toEqual({ kind: 'active' });
  });

  it('a burned temporary password says why', () => {
    apply([
      assigned,
      issued,
      { type: 'TempPasswordBurned', data: { clientId, tempPasswordId: 'T1', reason: 'failed_attempt' } },
    ]);
    expect(credential()).toMatchObject({ tempExpiresAt: null, tempOutcome: 'burned_failed_attempt' });
    expect(formatLoginStatus(statusAt('2026-03-04T09:00:00.000Z'))).toBe(
      'Temporary password burned by a failed login attempt',
    );
  });

  it('counts failures but not throttled attempts, and a success clears them', () => {
    apply([assigned, failed('wrong_password'), failed('throttled')], '2026-03-03T14:00:00.000Z');
    apply([failed('wrong_password')], '2026-03-03T14:05:00.000Z');
    expect(credential()).toMatchObject({ consecutiveFailures: 2, lastFailureAt: '2026-03-03T14:05:00.000Z' });
    apply([{ type: 'LoginSucceeded', data: { clientId, method: 'password' } }], '2026-03-03T14:06:00.000Z');
    expect(credential()).toMatchObject({
      consecutiveFailures: 0,
      lastFailureAt: null,
      lastLoginAt: '2026-03-03T14:06:00.000Z',
    });
  });

  it('a reset link is found by its token id until the reset completes', () => {
    apply([
      assigned,
      {
        type: 'PasswordResetLinkIssued',
        data: {
          clientId,
          tokenId: 'K1',
          secretHash: 'hash-K1',
          expiresAt: '2026-03-03T15:00:00.000Z',
          requestId: 'R1',
        },
      },
    ]);
    expect(readModels().credentials.findClientIdByResetToken('K1')).toBe(clientId);
    expect(statusAt('2026-03-03T14:30:00.000Z')).toEqual({
      kind: 'reset_pending',
      expiresAt: '2026-03-03T15:00:00.000Z',
    });
    apply([{ type: 'PasswordResetCompleted', data: { clientId, tokenId: 'K1', passwordHash: 'scrypt-r' } }]);
    expect(readModels().credentials.findClientIdByResetToken('K1')).toBeNull();
    expect(credential()).toMatchObject({ hasPassword: true, resetExpiresAt: null, sessionVersion: 1 });
  });

  it('disabling and enabling, revoking sessions and emailing credentials show on the card', () => {
    apply([assigned, { type: 'LoginDisabled', data: { clientId, reason: null } }]);
    expect(statusAt('2026-03-03T14:00:00.000Z')).toEqual({ kind: 'disabled' });
    apply([
      { type: 'LoginEnabled', data: { clientId } },
      { type: 'SessionsRevoked', data: { clientId, reason: 'staff' } },
    ]);
    apply([{ type: 'CredentialsEmailRequested', data: { clientId, requestId: 'R1' } }], '2026-03-03T16:00:00.000Z');
    expect(credential()).toMatchObject({
      disabled: false,
      // Disabling ends every session too.
      sessionVersion: 2,
      lastEmailAt: '2026-03-03T16:00:00.000Z',
      lastEmailState: 'requested',
    });
  });

  it('lists the clients still without a login, archived ones left out', () => {
    apply([
      {
        type: 'ClientRegistered',
        data: { clientId: 'C1', firstName: 'A', lastName: 'A', email: 'a@x.example', altEmail: null, active: true },
      },
      {
        type: 'ClientRegistered',
        data: { clientId: 'C2', firstName: 'B', lastName: 'B', email: null, altEmail: null, active: true },
      },
      {
        type: 'ClientRegistered',
        data: { clientId: 'C3', firstName: 'C', lastName: 'C', email: 'c@x.example', altEmail: null, active: true },
      },
      { type: 'ClientArchived', data: { clientId: 'C3' } },
      assigned,
    ]);
    expect(readModels().credentials.listClientsWithoutLogin()).toEqual([{ clientId: 'C2', email: null }]);
    expect(
      readModels()
        .credentials.listCredentials()
        .map((c) => c.clientId),
    ).toEqual(['C1']);
  });

  it('no client has a login status before a login is assigned', () =>
    expect(describeLoginStatus(null, new Date())).toEqual({ kind: 'no_login' }));
});
