import { describe, expect, it } from 'vitest';
import {
  checkBusinessId,
  decideBusiness,
  decideOrigin,
  evolveBusiness,
  initialBusinessState,
  initialOriginState,
  evolveOrigin,
  type BusinessEvent,
  type BusinessState,
} from '../../src/domain/business.ts';
import { parseSettingAssignments, toOrigin } from '../../src/domain/business-settings.ts';
import { decodeEvent, isEventOfStream } from '../../src/domain/events.ts';
import { asRecorded, sampleBusinessSettings } from '../support/sample-events.ts';

const registered: BusinessEvent = {
  type: 'BusinessRegistered',
  data: { businessId: 'happypaws', settings: sampleBusinessSettings },
};
const fold = (events: readonly BusinessEvent[]): BusinessState => events.reduce(evolveBusiness, initialBusinessState);

describe('business ids', () => {
  it.each(['happypaws', 'wagging-tails', 'b2'])('accepts %s', (id) => expect(checkBusinessId(id).ok).toBe(true));
  it.each(['', 'a', 'Happy', '2paws', 'paws-', 'paws_co', 'a'.repeat(41), 'paws/../x'])('refuses %j', (id) => {
    const checked = checkBusinessId(id);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.error.message).toContain('lower-case letters');
  });
});

describe('the business decider', () => {
  it('registers a new business once', () => {
    const first = decideBusiness(
      { type: 'RegisterBusiness', businessId: 'happypaws', settings: sampleBusinessSettings },
      initialBusinessState,
    );
    expect(first).toEqual({ ok: true, value: [registered] });
    const again = decideBusiness(
      { type: 'RegisterBusiness', businessId: 'happypaws', settings: sampleBusinessSettings },
      fold([registered]),
    );
    expect(again.ok).toBe(false);
  });

  it('records a rename on its own and only the settings that differ', () => {
    const decided = decideBusiness(
      {
        type: 'ChangeBusinessSettings',
        changes: { name: 'Happy Paws Co', timeZone: 'Europe/London', passwordMinLength: 15 },
      },
      fold([registered]),
    );
    expect(decided).toEqual({
      ok: true,
      value: [
        { type: 'BusinessRenamed', data: { businessId: 'happypaws', from: 'Happy Paws', to: 'Happy Paws Co' } },
        { type: 'BusinessSettingsChanged', data: { businessId: 'happypaws', changes: { timeZone: 'Europe/London' } } },
      ],
    });
    const state = fold([registered, ...(decided.ok ? decided.value : [])]);
    expect(state.status === 'active' && state.settings).toMatchObject({
      name: 'Happy Paws Co',
      timeZone: 'Europe/London',
    });
    const unchanged = decideBusiness({ type: 'ChangeBusinessSettings', changes: { passwordMinLength: 15 } }, state);
    expect(unchanged).toEqual({ ok: true, value: [] });
  });

  it('suspends with a reason, reinstates, and repeats nothing', () => {
    const suspend = decideBusiness({ type: 'SuspendBusiness', reason: ' unpaid ' }, fold([registered]));
    expect(suspend).toEqual({
      ok: true,
      value: [{ type: 'BusinessSuspended', data: { businessId: 'happypaws', reason: 'unpaid' } }],
    });
    const suspended = fold([registered, ...(suspend.ok ? suspend.value : [])]);
    expect(suspended.status).toBe('suspended');
    expect(decideBusiness({ type: 'SuspendBusiness', reason: 'again' }, suspended)).toEqual({ ok: true, value: [] });
    expect(decideBusiness({ type: 'SuspendBusiness', reason: '  ' }, fold([registered])).ok).toBe(false);
    const reinstate = decideBusiness({ type: 'ReinstateBusiness' }, suspended);
    expect(reinstate).toEqual({
      ok: true,
      value: [{ type: 'BusinessReinstated', data: { businessId: 'happypaws' } }],
    });
    expect(decideBusiness({ type: 'ReinstateBusiness' }, fold([registered]))).toEqual({ ok: true, value: [] });
  });

  it('refuses changes to a business that does not exist', () => {
    expect(decideBusiness({ type: 'ReinstateBusiness' }, initialBusinessState).ok).toBe(false);
    expect(decideBusiness({ type: 'ChangeBusinessSettings', changes: {} }, initialBusinessState).ok).toBe(false);
  });
});

describe('origins', () => {
  it('normalises origins and refuses anything that is not one', () => {
    expect(toOrigin('https://LOGIN.HappyPaws.example:443/')).toBe('https://login.happypaws.example');
    expect(toOrigin('https://login.happypaws.example:8443')).toBe('https://login.happypaws.example:8443');
    expect(toOrigin('http://happypaws.localhost:3000')).toBe('http://happypaws.localhost:3000');
    for (const bad of [
      'http://login.happypaws.example',
      'https://login.happypaws.example/portal',
      'https://user:pw@login.happypaws.example',
      'https://login.happypaws.example/?a=1',
      'ftp://login.happypaws.example',
      'login.happypaws.example',
    ]) {
      expect(toOrigin(bad), bad).toBeNull();
    }
  });

  it('lets one business hold an origin at a time', () => {
    const claim = decideOrigin(
      { type: 'ClaimOrigin', origin: 'https://a.example', businessId: 'a' },
      initialOriginState,
    );
    expect(claim.ok && claim.value).toHaveLength(1);
    const held = (claim.ok ? claim.value : []).reduce(evolveOrigin, initialOriginState);
    expect(decideOrigin({ type: 'ClaimOrigin', origin: 'https://a.example', businessId: 'a' }, held)).toEqual({
      ok: true,
      value: [],
    });
    const taken = decideOrigin({ type: 'ClaimOrigin', origin: 'https://a.example', businessId: 'b' }, held);
    expect(taken.ok).toBe(false);
    if (!taken.ok) expect(taken.error.message).toBe('https://a.example is already the address of business a.');
    expect(decideOrigin({ type: 'ReleaseOrigin', origin: 'https://a.example', businessId: 'b' }, held)).toEqual({
      ok: true,
      value: [],
    });
  });
});

describe('settings as staff type them', () => {
  it('reads key=value pairs into typed settings; an empty value clears an optional one', () => {
    expect(
      parseSettingAssignments([
        'name= Wagging Tails ',
        'origin=https://Wag.example',
        'temp-password-ttl-days=3',
        'contact=',
        'time-zone=Europe/Paris',
      ]),
    ).toEqual({
      ok: true,
      changes: {
        name: 'Wagging Tails',
        publicOrigin: 'https://wag.example',
        tempPasswordTtlDays: 3,
        contact: null,
        timeZone: 'Europe/Paris',
      },
    });
  });

  it('reads the Slack settings: member ids as a list, channel ids, and an empty value as none', () => {
    expect(
      parseSettingAssignments([
        'slack-staff-user-ids= U0AAA1, W0BBB2,U0AAA1 ',
        'slack-staff-channel=C0STAFF1',
        'slack-alerts-channel=',
      ]),
    ).toEqual({
      ok: true,
      changes: { slackStaffUserIds: ['U0AAA1', 'W0BBB2'], slackStaffChannel: 'C0STAFF1', slackAlertsChannel: null },
    });
    expect(parseSettingAssignments(['slack-staff-user-ids='])).toEqual({
      ok: true,
      changes: { slackStaffUserIds: null },
    });
    expect(parseSettingAssignments(['slack-staff-user-ids=U0AAA1,sam', 'slack-alerts-channel=#alerts'])).toEqual({
      ok: false,
      errors: [
        'slack-staff-user-ids: use Slack member ids separated by commas, like U0123ABCD,U0456EFGH',
        'slack-alerts-channel: use a channel id, like C0123ABCD (channel details → About)',
      ],
    });
  });

  it('records a changed staff list once, whatever the order the ids are given in', () => {
    const state = fold([registered]);
    const same = decideBusiness({ type: 'ChangeBusinessSettings', changes: { slackStaffUserIds: ['U0OWNER'] } }, state);
    expect(same).toEqual({ ok: true, value: [] });
    const more = decideBusiness(
      { type: 'ChangeBusinessSettings', changes: { slackStaffUserIds: ['U0PAT', 'U0OWNER'] } },
      state,
    );
    expect(more).toEqual({
      ok: true,
      value: [
        {
          type: 'BusinessSettingsChanged',
          data: { businessId: 'happypaws', changes: { slackStaffUserIds: ['U0PAT', 'U0OWNER'] } },
        },
      ],
    });
  });

  it('lists every mistake by its key and accepts none of the list', () => {
    const parsed = parseSettingAssignments([
      'colour=blue',
      'time-zone=Mars/Olympus',
      'password-min-length=4',
      'name',
      'name=A',
      'name=B',
      'mail-reply-to=not-an-address',
    ]);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors).toEqual([
      expect.stringMatching(/^colour: not a business setting \(use one of name, logo-url/),
      'time-zone: use a time zone name, like Europe/London or America/New_York',
      'password-min-length: use 8 to 64',
      'name: give a value, like name=…',
      'name: given twice',
      'mail-reply-to: use one email address, like office@example.com',
    ]);
  });
});

describe('a business registered before the Slack settings existed', () => {
  it('reads as having none of them, and folds with later changes', () => {
    const {
      slackStaffUserIds: _ids,
      slackStaffChannel: _staff,
      slackAlertsChannel: _alerts,
      ...oldSettings
    } = sampleBusinessSettings;
    const [stored] = asRecorded([
      { type: 'BusinessRegistered', data: { businessId: 'happypaws', settings: oldSettings } },
    ]);
    const { eventVersion: _version, ...oldMetadata } = stored!.metadata;
    const decoded = decodeEvent({ ...stored!, metadata: oldMetadata });
    expect(decoded?.type === 'BusinessRegistered' && decoded.data.settings).toEqual({
      ...oldSettings,
      slackStaffUserIds: null,
      slackStaffChannel: null,
      slackAlertsChannel: null,
    });
    const [changed] = asRecorded([
      { type: 'BusinessSettingsChanged', data: { businessId: 'happypaws', changes: { timeZone: 'Europe/Paris' } } },
    ]);
    const events = [decoded, decodeEvent(changed!)].filter(
      (event) => event !== null && isEventOfStream(event, 'business'),
    );
    const state = fold(events as BusinessEvent[]);
    expect(state.status === 'active' && state.settings).toMatchObject({
      timeZone: 'Europe/Paris',
      slackAlertsChannel: null,
      slackStaffUserIds: null,
    });
  });
});
