import { describe, expect, it } from 'vitest';
import {
  decideStaffAlert,
  evolveStaffAlert,
  initialStaffAlertState,
  type StaffAlertCommand,
  type StaffAlertEvent,
} from '../../src/domain/staff-alert.ts';

const claimedAt = '2026-03-03T14:00:00.000Z';
const eventId = 'E1';

function given(...events: StaffAlertEvent[]) {
  const state = events.reduce((s, e) => evolveStaffAlert(s, e, claimedAt), initialStaffAlertState);
  return {
    when: (command: StaffAlertCommand) => {
      const decision = decideStaffAlert(command, state);
      return {
        then: (expected: StaffAlertEvent[]) => expect(decision).toEqual({ ok: true, value: expected }),
        thenRejects: (code: string) => expect(decision).toMatchObject({ ok: false, error: { code } }),
      };
    },
  };
}

const claim = (claimant: string, now: string): StaffAlertCommand => ({
  type: 'ClaimStaffAlert',
  eventId,
  claimant,
  now,
  staleAfterMs: 120_000,
});
const claimedBy = (claimant: string): StaffAlertEvent => ({
  type: 'StaffAlertClaimed',
  data: { eventId, claimedBy: claimant },
});
const posted: StaffAlertEvent = { type: 'StaffAlertPosted', data: { eventId, channel: 'C1', messageTs: '1.1' } };

describe('staff alert claims', () => {
  it('an unclaimed alert is claimed', () =>
    given()
      .when(claim('A', claimedAt))
      .then([claimedBy('A')]));
  it('a posted alert is never claimed again', () =>
    given(claimedBy('A'), posted).when(claim('B', '2026-03-04T00:00:00.000Z')).then([]));
  it('the claimant finds its own claim and posts without a second claim', () =>
    given(claimedBy('A')).when(claim('A', claimedAt)).then([]));
  it('a fresh claim of another instance is refused', () =>
    given(claimedBy('A')).when(claim('B', '2026-03-03T14:01:00.000Z')).thenRejects('claimed_elsewhere'));
  it('a stale claim is taken over', () =>
    given(claimedBy('A'))
      .when(claim('B', '2026-03-03T14:02:00.000Z'))
      .then([claimedBy('B')]));
  it('recording a post once makes a second record a no-op', () => {
    given(claimedBy('A'))
      .when({ type: 'RecordStaffAlertPosted', eventId, channel: 'C1', messageTs: '1.1' })
      .then([posted]);
    given(claimedBy('A'), posted)
      .when({ type: 'RecordStaffAlertPosted', eventId, channel: 'C1', messageTs: '1.1' })
      .then([]);
  });
});
