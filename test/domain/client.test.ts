import { describe, expect, it } from 'vitest';
import {
  decideClient,
  evolveClient,
  initialClientState,
  type ClientCommand,
  type ClientDetails,
  type ClientEvent,
  type ClientState,
} from '../../src/domain/client.ts';
import { deciderSpec } from '../support/decider-spec.ts';

const { given } = deciderSpec<ClientCommand, ClientEvent, ClientState>({
  initialState: initialClientState,
  evolve: evolveClient,
  decide: decideClient,
});

const clientId = 'C1';
const details: ClientDetails = {
  firstName: 'Olivia',
  lastName: 'Hart',
  email: 'olivia@example.com',
  altEmail: null,
  active: true,
};
const register = (over: Partial<ClientDetails> = {}): ClientCommand => ({
  type: 'RegisterClient',
  clientId,
  details: { ...details, ...over },
});
const registered: ClientEvent = { type: 'ClientRegistered', data: { clientId, ...details } };
const archived: ClientEvent = { type: 'ClientArchived', data: { clientId } };

describe('an unknown client', () => {
  it('is registered with its details', () => given().when(register()).then([registered]));
  it('cannot be archived', () =>
    given()
      .when({ type: 'ArchiveClient', clientId })
      .thenError('unknown_client', /There is no client C1/));
});

describe('a registered client', () => {
  it('registered again unchanged gets nothing, so importing the same export twice changes nothing', () =>
    given(registered).when(register()).then([]));
  it('registered again gets only the fields that differ', () =>
    given(registered)
      .when(register({ email: 'liv@example.com', active: false }))
      .then([
        { type: 'ClientDetailsChanged', data: { clientId, changes: { email: 'liv@example.com', active: false } } },
      ]));
  it('a change compares with the details as last changed', () =>
    given(registered, { type: 'ClientDetailsChanged', data: { clientId, changes: { lastName: 'Lee' } } })
      .when(register({ lastName: 'Lee' }))
      .then([]));
  it('is archived, once', () => {
    given(registered).when({ type: 'ArchiveClient', clientId }).then([archived]);
    given(registered, archived).when({ type: 'ArchiveClient', clientId }).then([]);
  });
});

describe('an archived client', () => {
  it('keeps its details, and a change to them is still recorded', () => {
    expect(given(registered, archived).state).toEqual({ status: 'archived', clientId, details });
    given(registered, archived)
      .when(register({ firstName: 'Liv' }))
      .then([{ type: 'ClientDetailsChanged', data: { clientId, changes: { firstName: 'Liv' } } }]);
  });
});
