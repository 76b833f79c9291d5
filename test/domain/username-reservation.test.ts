import { describe, expect, it } from 'vitest';
import { ok } from '../../src/domain/result.ts';
import {
  decideReleaseUserName,
  decideReserveUserName,
  evolveUserName,
  initialUserNameState,
  type UserNameEvent,
  type UserNameState,
} from '../../src/domain/username-reservation.ts';
import { deciderSpec } from '../support/decider-spec.ts';

/** Reserving and releasing, as the login commands use them (src/app/logins.ts). */
type UserNameCommand =
  { readonly type: 'Reserve'; readonly clientId: string } | { readonly type: 'Release'; readonly clientId: string };

const userName = 'olivia@example.com';
const { given } = deciderSpec<UserNameCommand, UserNameEvent, UserNameState>({
  initialState: initialUserNameState,
  evolve: evolveUserName,
  decide: (command, state) =>
    command.type === 'Reserve'
      ? decideReserveUserName(userName, command.clientId, state)
      : ok(decideReleaseUserName(userName, command.clientId, state)),
});

const reserved = (clientId: string): UserNameEvent => ({ type: 'UserNameReserved', data: { userName, clientId } });
const released = (clientId: string): UserNameEvent => ({ type: 'UserNameReleased', data: { userName, clientId } });

describe('a free user name', () => {
  it('is reserved for the first client to ask', () =>
    given()
      .when({ type: 'Reserve', clientId: 'C1' })
      .then([reserved('C1')]));
  it('releasing it appends nothing', () => given().when({ type: 'Release', clientId: 'C1' }).then([]));
  it('once released, may be reserved by another client', () =>
    given(reserved('C1'), released('C1'))
      .when({ type: 'Reserve', clientId: 'C2' })
      .then([reserved('C2')]));
});

describe('a held user name', () => {
  it('is refused to another client, with a message saying what to do', () =>
    given(reserved('C1'))
      .when({ type: 'Reserve', clientId: 'C2' })
      .thenError('user_name_taken', /olivia@example\.com is taken\. Choose another one/));
  it('reserving it again for its holder appends nothing (a retried rename)', () =>
    given(reserved('C1')).when({ type: 'Reserve', clientId: 'C1' }).then([]));
  it('is released by its holder only', () => {
    given(reserved('C1'))
      .when({ type: 'Release', clientId: 'C1' })
      .then([released('C1')]);
    given(reserved('C1')).when({ type: 'Release', clientId: 'C2' }).then([]);
  });
  it('is held by its holder in the state', () =>
    expect(given(reserved('C1')).state).toEqual({ status: 'held', clientId: 'C1' }));
});
