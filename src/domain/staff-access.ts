/**
 * Refusals of people who tried to act through the Slack bot without being staff, stream
 * `staff-refusals`. Auditors read them to see who poked at the bot; nothing is decided from them.
 */
export type StaffAccessEvent = {
  readonly type: 'StaffActionRefused';
  readonly data: {
    readonly slackUserId: string;
    readonly teamId: string | null;
    /** What was attempted: a slash command, an action id, a view callback id or an event type. */
    readonly action: string;
    readonly reason: 'not_staff' | 'foreign_team' | 'membership_unknown';
  };
};

export const staffRefusalsStream = 'staff-refusals';
