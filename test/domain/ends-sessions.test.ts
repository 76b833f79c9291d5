import { afterEach, beforeEach, expect, it } from 'vitest';
import { endsSessions, type CredentialEvent } from '../../src/domain/credential/events.ts';
import { evolveCredential, initialCredentialState, type CredentialState } from '../../src/domain/credential/state.ts';
import { latchkeyEventTypes, isEventOfStream, decodeEvent } from '../../src/domain/events.ts';
import { openReadModels, type ReadModels } from '../../src/projections/read-models.ts';
import { asRecorded, comparePositions, sampleEvents } from '../support/sample-events.ts';

const at = '2026-03-03T14:00:00.000Z';
const credentialEvents = latchkeyEventTypes.flatMap((type): CredentialEvent[] => {
  const event = decodeEvent(asRecorded([sampleEvents[type]])[0]!)!;
  return isEventOfStream(event, 'credential') ? [event] : [];
});
const sessionVersion = (state: CredentialState) => (state.status === 'none' ? null : state.login.sessionVersion);

let readModels: ReadModels;
beforeEach(() => void (readModels = openReadModels(':memory:')));
afterEach(() => readModels.close());

it('exactly the events in the table end earlier sessions, and take a pending password choice with them', () => {
  const signedInWithTemp = [
    sampleEvents.LoginAssigned,
    sampleEvents.TempPasswordIssued,
    sampleEvents.TempPasswordConsumed,
  ];
  const base = signedInWithTemp.reduce((s, e) => evolveCredential(s, e, at), initialCredentialState);
  for (const event of credentialEvents) {
    const after = evolveCredential(base, event, at);
    if (event.type === 'LoginAssigned' || after.status === 'none' || base.status === 'none') continue;
    const ended = endsSessions[event.type];
    expect({ type: event.type, moved: after.login.sessionVersion - base.login.sessionVersion }).toEqual({
      type: event.type,
      moved: ended ? 1 : 0,
    });
    if (ended) expect(after.login.mustChoose).toBeNull();
  }
  expect(credentialEvents.filter((event) => endsSessions[event.type]).map((event) => event.type)).toEqual([
    'PermanentPasswordChosen',
    'PasswordChanged',
    'PasswordResetCompleted',
    'LoginDisabled',
    'SessionsRevoked',
  ]);
});

it("the read model's session version follows the state's through every credential event", () => {
  let state = initialCredentialState;
  const recorded = asRecorded(credentialEvents, { stream: 'credential-C1', at });
  for (const [index, event] of credentialEvents.entries()) {
    state = evolveCredential(state, event, at);
    readModels.apply([recorded[index]!], comparePositions);
    expect({ type: event.type, version: readModels.credentials.getCredential('C1')?.sessionVersion ?? null }).toEqual({
      type: event.type,
      version: sessionVersion(state),
    });
  }
});

it('a table that leaves out a credential event does not compile', () => {
  const { SessionsRevoked: _, ...withoutOne } = endsSessions;
  // @ts-expect-error every credential event must say whether it ends sessions
  const incomplete: Record<CredentialEvent['type'], boolean> = withoutOne;
  expect(Object.keys(incomplete)).not.toContain('SessionsRevoked');
});
