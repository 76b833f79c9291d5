import { ok, reject, type Rejection, type Result } from './result.ts';

/**
 * One staff alert per alerting event, stream `staff-alert-<eventId>`. Posting to Slack is an
 * effect outside the log, so it is bracketed: a claim before the post (the store lets only one
 * instance hold it) and a record after. A record means "never again"; a claim without a record
 * is only taken over once it is stale, which is the one window where an alert can repeat.
 */
export type StaffAlertEvent =
  | { readonly type: 'StaffAlertClaimed'; readonly data: { readonly eventId: string; readonly claimedBy: string } }
  | {
      readonly type: 'StaffAlertPosted';
      readonly data: { readonly eventId: string; readonly channel: string; readonly messageTs: string };
    };

export type StaffAlertState =
  | { readonly status: 'unclaimed' }
  | { readonly status: 'claimed'; readonly claimedBy: string; readonly claimedAt: string }
  | { readonly status: 'posted' };

export type StaffAlertCommand =
  | {
      readonly type: 'ClaimStaffAlert';
      readonly eventId: string;
      readonly claimant: string;
      readonly now: string;
      readonly staleAfterMs: number;
    }
  | {
      readonly type: 'RecordStaffAlertPosted';
      readonly eventId: string;
      readonly channel: string;
      readonly messageTs: string;
    };

export const staffAlertStream = (eventId: string): string => `staff-alert-${eventId}`;
export const initialStaffAlertState: StaffAlertState = { status: 'unclaimed' };

export function evolveStaffAlert(state: StaffAlertState, event: StaffAlertEvent, at: string): StaffAlertState {
  switch (event.type) {
    case 'StaffAlertClaimed':
      return state.status === 'posted' ? state : { status: 'claimed', claimedBy: event.data.claimedBy, claimedAt: at };
    case 'StaffAlertPosted':
      return { status: 'posted' };
  }
}

/** After a claim the state says what to do: posted means nothing; claimed by this claimant means post. */
export function decideStaffAlert(
  command: StaffAlertCommand,
  state: StaffAlertState,
): Result<StaffAlertEvent[], Rejection<'claimed_elsewhere'>> {
  switch (command.type) {
    case 'ClaimStaffAlert': {
      if (state.status === 'posted') return ok([]);
      if (state.status === 'claimed' && state.claimedBy === command.claimant) return ok([]);
      const fresh =
        state.status === 'claimed' && Date.parse(command.now) - Date.parse(state.claimedAt) < command.staleAfterMs;
      if (fresh)
        return reject(
          'claimed_elsewhere',
          `the alert for event ${command.eventId} is being posted by another instance`,
        );
      return ok([{ type: 'StaffAlertClaimed', data: { eventId: command.eventId, claimedBy: command.claimant } }]);
    }
    case 'RecordStaffAlertPosted':
      if (state.status === 'posted') return ok([]);
      return ok([
        {
          type: 'StaffAlertPosted',
          data: { eventId: command.eventId, channel: command.channel, messageTs: command.messageTs },
        },
      ]);
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}
