import { describe, expect, it } from 'vitest';
import type { ClientEvent } from '../../src/domain/client.ts';
import { useReadModels } from './support.ts';

const { readModels, apply } = useReadModels();

const registered = (clientId: string, firstName: string, lastName: string, email: string | null): ClientEvent => ({
  type: 'ClientRegistered',
  data: { clientId, firstName, lastName, email, altEmail: null, active: true },
});

describe('the client directory', () => {
  it('a registered client can be read back, without any search column', () => {
    apply([registered('C1', 'Zoë', 'Hart', 'zoe@example.com')]);
    expect(readModels().clients.getClient('C1')).toEqual({
      clientId: 'C1',
      firstName: 'Zoë',
      lastName: 'Hart',
      email: 'zoe@example.com',
      altEmail: null,
      active: true,
      archived: false,
    });
    expect(readModels().clients.getClient('C2')).toBeNull();
  });

  it('a change updates only the fields it names, and the search follows it', () => {
    apply([
      registered('C1', 'Zoë', 'Hart', 'zoe@example.com'),
      { type: 'ClientDetailsChanged', data: { clientId: 'C1', changes: { lastName: 'Lee', active: false } } },
    ]);
    expect(readModels().clients.getClient('C1')).toMatchObject({ firstName: 'Zoë', lastName: 'Lee', active: false });
    expect(readModels().clients.searchClients('hart')).toEqual([]);
    expect(
      readModels()
        .clients.searchClients('zoe lee')
        .map((c) => c.clientId),
    ).toEqual(['C1']);
  });

  it('a change to a client it never saw registered is ignored', () => {
    apply([{ type: 'ClientDetailsChanged', data: { clientId: 'C9', changes: { lastName: 'Lee' } } }]);
    expect(readModels().clients.getClient('C9')).toBeNull();
  });

  it('searches every word in name or email, ignoring accents and case, sorted by name', () => {
    apply([
      registered('C1', 'Zoë', 'Hart', 'zoe@example.com'),
      registered('C2', 'Ann', 'Hart', 'ann@pets.example'),
      registered('C3', 'Ann', 'Bell', null),
    ]);
    const { searchClients } = readModels().clients;
    expect(searchClients('HART').map((c) => c.clientId)).toEqual(['C2', 'C1']);
    expect(searchClients('zoe').map((c) => c.clientId)).toEqual(['C1']);
    expect(searchClients('ann pets').map((c) => c.clientId)).toEqual(['C2']);
    expect(searchClients('ann', 1).map((c) => c.clientId)).toEqual(['C3']);
    expect(searchClients('   ')).toEqual([]);
    expect(searchClients('%')).toEqual([]);
  });

  it('an archived client is kept but leaves lists, searches and email look-ups', () => {
    apply([
      registered('C1', 'Ann', 'Hart', 'ann@example.com'),
      registered('C2', 'Bo', 'Hart', 'ann@example.com'),
      { type: 'ClientArchived', data: { clientId: 'C1' } },
    ]);
    const { clients } = readModels();
    expect(clients.getClient('C1')).toMatchObject({ archived: true });
    expect(clients.listClients().map((c) => c.clientId)).toEqual(['C2']);
    expect(clients.searchClients('hart').map((c) => c.clientId)).toEqual(['C2']);
    expect(clients.findClientsByEmail(' ANN@example.com ').map((c) => c.clientId)).toEqual(['C2']);
  });
});
