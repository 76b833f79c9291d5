import { describe, expect, it } from 'vitest';
import { noSlackSettings, type BusinessSettings } from '../../src/domain/business-settings.ts';
import { slackStaffOf } from '../../src/slack/staff-settings.ts';
import { sampleBusinessSettings } from '../support/sample-events.ts';

const environment = { staffUserIds: ['U0ENV1'], staffChannelId: 'C0ENVSTAFF', alertsChannelId: 'C0ENVALERTS' };

describe("a business's Slack staff and alerts channel", () => {
  it('the default business reads the SLACK_ settings until it records its own, one by one', () => {
    const recorded = new Map<string, BusinessSettings>();
    const staffOf = slackStaffOf((id) => recorded.get(id) ?? null, environment);
    expect(staffOf('default')).toEqual(environment);

    // Recorded before businesses had Slack settings: none of its own yet.
    recorded.set('default', { ...sampleBusinessSettings, ...noSlackSettings });
    expect(staffOf('default')).toEqual(environment);

    recorded.set('default', { ...sampleBusinessSettings, ...noSlackSettings, slackAlertsChannel: 'C0OWNALERTS' });
    expect(staffOf('default')).toEqual({ ...environment, alertsChannelId: 'C0OWNALERTS' });
  });

  it('any other business has only what it recorded, never the SLACK_ settings', () => {
    const recorded = new Map<string, BusinessSettings>([
      ['happypaws', { ...sampleBusinessSettings, ...noSlackSettings }],
      ['wagging', { ...sampleBusinessSettings, slackStaffUserIds: ['U0WAG'], slackStaffChannel: 'C0WAGSTAFF' }],
    ]);
    const staffOf = slackStaffOf((id) => recorded.get(id) ?? null, environment);
    const none = { staffUserIds: [], staffChannelId: null, alertsChannelId: null };
    expect(staffOf('happypaws')).toEqual(none);
    expect(staffOf('nobody')).toEqual(none);
    expect(staffOf('wagging')).toEqual({
      staffUserIds: ['U0WAG'],
      staffChannelId: 'C0WAGSTAFF',
      alertsChannelId: 'C0HAPPYALERTS',
    });
  });
});
