import type { SlackConfig } from '../config.ts';
import { defaultBusinessId } from '../domain/business.ts';
import type { BusinessSettings } from '../domain/business-settings.ts';

/** Who counts as a business's staff in Slack, and where its alerts go: all in that business's own workspace. */
export interface BusinessSlackStaff {
  readonly staffUserIds: readonly string[];
  readonly staffChannelId: string | null;
  readonly alertsChannelId: string | null;
}

export type SlackStaffOf = (businessId: string) => BusinessSlackStaff;

/**
 * A business's Slack settings as it recorded them. The default business was set up from the
 * environment before businesses had Slack settings of their own: any of them it has not recorded
 * (none at all, or a log from before) is read from SLACK_STAFF_USER_IDS, SLACK_STAFF_CHANNEL_ID and
 * SLACK_ALERTS_CHANNEL_ID. Any other business has only what it recorded; an unknown one has nothing.
 */
export function slackStaffOf(
  recordedSettings: (businessId: string) => BusinessSettings | null,
  environment: Pick<SlackConfig, 'staffUserIds' | 'staffChannelId' | 'alertsChannelId'>,
): SlackStaffOf {
  return function slackStaffOfBusiness(businessId) {
    const recorded = recordedSettings(businessId);
    const fallback =
      businessId === defaultBusinessId
        ? environment
        : { staffUserIds: [], staffChannelId: null, alertsChannelId: null };
    return {
      staffUserIds: recorded?.slackStaffUserIds ?? fallback.staffUserIds,
      staffChannelId: recorded?.slackStaffChannel ?? fallback.staffChannelId,
      alertsChannelId: recorded?.slackAlertsChannel ?? fallback.alertsChannelId,
    };
  };
}
