import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { latchkeyEventTypes } from '../../src/domain/events.ts';
import { openReadModels, type ReadModels } from '../../src/projections/read-models.ts';
import { describeEventType, timelineEvents, type TimelineCatalogue } from '../../src/projections/timeline-events.ts';
import { asRecorded, comparePositions, sampleEvents } from '../support/sample-events.ts';

/** Names that look like a secret, or a hash or fingerprint of one. */
const secretLooking = /hash|secret|fingerprint|salt|pepper|password$|token$|^session(id)?$/i;

function keysDeep(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysDeep);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => [key, ...keysDeep(inner)]);
}

let readModels: ReadModels;
beforeEach(() => void (readModels = openReadModels(':memory:')));
afterEach(() => readModels.close());

describe('the timeline', () => {
  it('no field whose name looks like a secret or hash reaches a row, even one added to an event later', () => {
    // Every event of the catalogue, each carrying extra fields a future version might add.
    const withNewFields = latchkeyEventTypes.map((type) => ({
      type,
      data: { ...sampleEvents[type].data, tokenHash: 'leak-1', resetSecret: 'leak-2' },
    }));
    readModels.apply(asRecorded(withNewFields), comparePositions);
    const rows = readModels.db.prepare('SELECT * FROM timeline').all() as { details: string }[];
    expect(rows.length).toBeGreaterThan(20);
    for (const row of rows) {
      const details: unknown = JSON.parse(row.details);
      expect(keysDeep(details).filter((key) => secretLooking.test(key))).toEqual([]);
      expect(row.details).not.toMatch(/leak-|sample-[a-z-]*(hash|fingerprint)/);
    }
  });

  it('no allow-list names a secret-looking field', () => {
    for (const [type, spec] of Object.entries(timelineEvents)) {
      const fields: readonly string[] = spec?.fields ?? [];
      expect({ type, fields: fields.filter((field) => secretLooking.test(field)) }).toEqual({ type, fields: [] });
    }
  });

  it('shows the allowed fields of each client event, keyed by client, in log order', () => {
    const events = [sampleEvents.ClientRegistered, sampleEvents.LoginAssigned, sampleEvents.TempPasswordIssued];
    readModels.apply(asRecorded([...events, sampleEvents.BatchStarted]), comparePositions);
    const timeline = readModels.timeline.clientTimeline('C1');
    expect(timeline.map((entry) => entry.type)).toEqual(['ClientRegistered', 'LoginAssigned', 'TempPasswordIssued']);
    expect(timeline[1]!.details).toEqual({ userName: 'ann@example.com' });
    expect(timeline[2]!.details).toEqual({
      tempPasswordId: 'T1',
      expiresAt: '2026-03-10T14:00:00.000Z',
      delivery: 'email',
      requestId: 'R1',
    });
    expect(readModels.timeline.recentActivity(1)).toMatchObject([{ clientId: 'C1', type: 'TempPasswordIssued' }]);
  });

  it('events about no one client stay off every timeline', () => {
    readModels.apply(
      asRecorded([sampleEvents.UnknownUserNameLoginFailed, sampleEvents.BatchStarted, sampleEvents.StaffActionRefused]),
      comparePositions,
    );
    expect(readModels.db.prepare('SELECT count(*) AS n FROM timeline').get()).toEqual({ n: 0 });
  });

  it('labels every timeline event for people, and an unknown type as itself', () => {
    expect(describeEventType('LoginAssigned')).toBe('Login created');
    expect(describeEventType('SessionEnded')).toBe('Logged out in one browser');
    expect(describeEventType('SomethingNew')).toBe('SomethingNew');
    expect(describeEventType('constructor')).toBe('constructor');
  });

  it('a timeline table without an entry for an event type does not compile', () => {
    const { EmailBounced: _, ...withoutOne } = timelineEvents;
    // @ts-expect-error every event type must say whether and how it shows on a timeline
    const incomplete: TimelineCatalogue = withoutOne;
    expect(Object.keys(incomplete)).not.toContain('EmailBounced');
  });

  it('an allow-list naming a field the event does not have does not compile', () => {
    const wrong: TimelineCatalogue = {
      ...timelineEvents,
      // @ts-expect-error LoginAssigned has no field passwordHash
      LoginAssigned: { label: 'Login created', fields: ['userName', 'passwordHash'] },
    };
    expect(wrong.LoginAssigned?.fields).toContain('passwordHash');
  });
});
