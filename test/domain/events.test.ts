import { describe, expect, it } from 'vitest';
import { scopedStream } from '../../src/domain/business.ts';
import {
  businessOf,
  decodeEvent,
  eventCatalogue,
  eventVersionToRecord,
  isEventOfStream,
  latchkeyEventTypes,
  type EventCatalogue,
} from '../../src/domain/events.ts';
import { asRecorded, sampleEvents } from '../support/sample-events.ts';

const [stored] = asRecorded([sampleEvents.LoginRenamed]);

describe('decodeEvent, the read boundary', () => {
  it('gives every catalogued event back typed, with its place in the log', () => {
    for (const type of latchkeyEventTypes) {
      const [recorded] = asRecorded([sampleEvents[type]]);
      expect(decodeEvent(recorded!)).toEqual(recorded);
    }
  });

  it('gives null for an event this version does not know, so readers skip it', () => {
    const [unknown] = asRecorded([{ type: 'SomethingFromTheFuture', data: { clientId: 'C1' } }]);
    expect(decodeEvent(unknown!)).toBeNull();
    const [prototypeName] = asRecorded([{ type: 'toString', data: {} }]);
    expect(decodeEvent(prototypeName!)).toBeNull();
  });

  it('reads an event recorded before businesses as the default business, leaving its stored metadata alone', () => {
    const [old] = asRecorded([sampleEvents.LoginRenamed]);
    const { businessId: _, ...metadataBefore } = old!.metadata;
    const before = { ...old!, metadata: metadataBefore };
    const decoded = decodeEvent(before)!;
    expect(businessOf(decoded)).toBe('default');
    expect(before.metadata).not.toHaveProperty('businessId');
  });

  it('keeps the business an event recorded', () => {
    const [recorded] = asRecorded([sampleEvents.LoginRenamed], { businessId: 'happypaws' });
    expect(businessOf(decodeEvent(recorded!)!)).toBe('happypaws');
  });

  it('narrows by stream kind from the catalogue', () => {
    const event = decodeEvent(stored!)!;
    expect(isEventOfStream(event, 'credential')).toBe(true);
    expect(isEventOfStream(event, 'mail')).toBe(false);
  });
});

describe('versioned events', () => {
  // LoginRenamed as if its data had changed shape twice: v1 {from, to} → v2 {previous, to} → v3 {previous, next}.
  const versioned: EventCatalogue = {
    ...eventCatalogue,
    LoginRenamed: {
      stream: 'credential',
      version: 3,
      upcasters: [
        (data) => {
          const { from, ...rest } = data as { from: string };
          return { ...rest, previous: from };
        },
        (data) => {
          const { to, ...rest } = data as { to: string };
          return { ...rest, next: to };
        },
      ],
    },
  };

  it('an old event is upcast on read, step by step, and the stored one is left as it was', () => {
    const decoded = decodeEvent(stored!, versioned);
    expect(decoded?.data).toEqual({ clientId: 'C1', previous: 'ann@example.com', next: 'ann.lee' });
    expect(stored!.data).toEqual({ clientId: 'C1', from: 'ann@example.com', to: 'ann.lee' });
  });

  it('an event recorded at a middle version takes only the remaining steps', () => {
    const v2 = {
      ...stored!,
      data: { clientId: 'C1', previous: 'a', to: 'b' },
      metadata: { ...stored!.metadata, eventVersion: 2 },
    };
    expect(decodeEvent(v2, versioned)?.data).toEqual({ clientId: 'C1', previous: 'a', next: 'b' });
  });

  it('an event newer than this code is refused rather than misread', () => {
    const v4 = { ...stored!, metadata: { ...stored!.metadata, eventVersion: 4 } };
    expect(() => decodeEvent(v4, versioned)).toThrow(/version 4, newer than this Latchkey knows \(3\)/);
  });

  it('a version without its upcaster is a broken catalogue, said so', () => {
    const missing: EventCatalogue = { ...versioned, LoginRenamed: { ...versioned.LoginRenamed, upcasters: [] } };
    expect(() => decodeEvent(stored!, missing)).toThrow(/no upcaster takes LoginRenamed from version 1 to 2/);
  });

  it('appends record a version only once there is more than one', () => {
    expect(eventVersionToRecord('LoginRenamed')).toBeNull();
    expect(eventVersionToRecord('LoginRenamed', versioned)).toBe(3);
  });
});

describe('the catalogue', () => {
  it('names each event type once, with the stream kind its union says', () => {
    expect(new Set(latchkeyEventTypes).size).toBe(latchkeyEventTypes.length);
    expect(eventCatalogue.SessionEnded.stream).toBe('credential');
    expect(eventCatalogue.EmailBounced.stream).toBe('mail');
  });

  it('a catalogue without an entry for an event type does not compile', () => {
    const { SessionEnded: _, ...withoutOne } = eventCatalogue;
    // @ts-expect-error every event type must be in the catalogue
    const incomplete: EventCatalogue = withoutOne;
    expect(Object.keys(incomplete)).not.toContain('SessionEnded');
  });

  it('an entry naming the wrong stream kind does not compile', () => {
    // @ts-expect-error SessionEnded belongs to the credential stream
    const wrong: EventCatalogue = { ...eventCatalogue, SessionEnded: { stream: 'mail', version: 1, upcasters: [] } };
    expect(wrong.SessionEnded.stream).toBe('mail');
  });
});

describe('scopedStream', () => {
  it("keeps the default business's stream names as they always were", () => {
    expect(scopedStream('default', 'credential-C1001')).toBe('credential-C1001');
  });

  it("prefixes any other business's stream names with its id", () => {
    expect(scopedStream('happypaws', 'username-ann@example.com')).toBe('happypaws/username-ann@example.com');
  });
});
