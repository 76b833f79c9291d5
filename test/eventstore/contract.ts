import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { computeChainHash } from '../../src/eventstore/chain.ts';
import {
  ChainLinkRejectedError,
  DuplicateEventIdError,
  WrongExpectedRevisionError,
  type EventStore,
  type NewEvent,
  type StoredLink,
} from '../../src/eventstore/port.ts';
import { subscribe } from '../../src/eventstore/subscription.ts';
import { verifyChain } from '../../src/eventstore/verify.ts';

export interface EventStoreHarness {
  readonly store: EventStore;
  /** Opens a second, independent connection to the same store (another process's view). */
  readonly openAnother?: () => Promise<EventStore>;
  readonly dispose: () => Promise<void>;
}

export interface EventStoreCapabilities {
  /** Positions are consecutive integers. */
  readonly gapFreeIntegerPositions: boolean;
  /** The store offers appendAtomically (sqlite, postgres). */
  readonly atomicMultiStreamAppend?: boolean;
}

function event(type = 'Something', data: unknown = { n: 1 }): NewEvent {
  return {
    id: randomUUID(),
    type,
    data,
    metadata: { actor: { kind: 'system', id: 'test' }, at: '2026-01-01T00:00:00.000Z' },
  };
}

const copiedMetadata = '{"actor":{"kind":"cli","id":"copy"},"at":"2026-01-01T00:00:00.000Z"}';

/** Links as another store would hold them, chained on from this store's head (positions 1, 2, 3 …). */
async function linksAfterHead(
  store: EventStore,
  parts: readonly { stream: string; revision: number; dataJson?: string; id?: string }[],
): Promise<StoredLink[]> {
  const existing = await store.readLinks({ after: null, limit: 10_000 });
  let prevHash = existing.at(-1)?.hash ?? '';
  return parts.map((part, index) => {
    const fields = {
      position: String(existing.length + index + 1),
      id: part.id ?? randomUUID(),
      stream: part.stream,
      revision: part.revision,
      type: 'Copied',
      dataJson: part.dataJson ?? `{"index":${index}}`,
      metadataJson: copiedMetadata,
    };
    const link = { ...fields, prevHash, hash: computeChainHash(prevHash, fields) };
    prevHash = link.hash;
    return link;
  });
}

/** The one contract every EventStore adapter honours. Each adapter's test file only builds its harness. */
export function testEventStore(
  name: string,
  makeHarness: () => Promise<EventStoreHarness>,
  capabilities: EventStoreCapabilities,
): void {
  describe(`EventStore contract: ${name}`, () => {
    let harness: EventStoreHarness;
    let store: EventStore;
    beforeEach(async () => {
      harness = await makeHarness();
      store = harness.store;
    });
    afterEach(async () => harness.dispose());

    const stream = () => `test-${randomUUID()}`;

    describe('expected revision', () => {
      it('no_stream succeeds on a new stream and conflicts once it exists', async () => {
        const s = stream();
        expect((await store.append(s, [event()], { expected: 'no_stream' })).nextRevision).toBe(0);
        await expect(store.append(s, [event()], { expected: 'no_stream' })).rejects.toBeInstanceOf(
          WrongExpectedRevisionError,
        );
        expect(await store.readStream(s)).toHaveLength(1);
      });

      it('exists conflicts on a new stream and succeeds once it exists', async () => {
        const s = stream();
        await expect(store.append(s, [event()], { expected: 'exists' })).rejects.toMatchObject({ actual: 'no_stream' });
        await store.append(s, [event()], { expected: 'any' });
        expect((await store.append(s, [event(), event()], { expected: 'exists' })).nextRevision).toBe(2);
      });

      it('an exact revision succeeds when current and conflicts when stale, naming both', async () => {
        const s = stream();
        await store.append(s, [event(), event()], { expected: 'no_stream' });
        await store.append(s, [event()], { expected: 1 });
        const error = await store.append(s, [event()], { expected: 1 }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ stream: s, expected: 1, actual: 2 });
        expect(await store.readStream(s)).toHaveLength(3);
      });

      it('a conflicting multi-event append writes none of its events', async () => {
        const s = stream();
        await store.append(s, [event()], { expected: 'no_stream' });
        await expect(store.append(s, [event(), event(), event()], { expected: 5 })).rejects.toBeInstanceOf(
          WrongExpectedRevisionError,
        );
        expect(await store.readStream(s)).toHaveLength(1);
      });

      it('of many concurrent writers expecting one revision, exactly one wins', async () => {
        const s = stream();
        await store.append(s, [event()], { expected: 'no_stream' });
        const others = harness.openAnother ? await Promise.all([1, 2, 3].map(() => harness.openAnother!())) : [];
        const writers = [store, ...others];
        const results = await Promise.allSettled(
          Array.from({ length: 12 }, (_, i) => writers[i % writers.length]!.append(s, [event()], { expected: 0 })),
        );
        await Promise.all(others.map((o) => o.close()));
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const r of results)
          if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(WrongExpectedRevisionError);
        expect(await store.readStream(s)).toHaveLength(2);
      });
    });

    it('appends made at once to many streams all land, and the ones that fail among them fail alone', async () => {
      const streams = Array.from({ length: 10 }, () => stream());
      const [taken, halfWritten] = [stream(), stream()];
      const stored = event();
      await store.append(taken, [stored], { expected: 'no_stream' });
      // Between the ones that land: a conflict, and an append that fails at its second event (an id
      // already stored) after its first was written, so the chain must continue from before it.
      const results = await Promise.allSettled([
        ...streams.slice(0, 5).map((s) => store.append(s, [event(), event()], { expected: 'no_stream' })),
        store.append(taken, [event()], { expected: 'no_stream' }),
        store.append(halfWritten, [event(), { ...event(), id: stored.id }], { expected: 'no_stream' }),
        ...streams.slice(5).map((s) => store.append(s, [event(), event()], { expected: 'no_stream' })),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(10);
      expect(results[5]).toMatchObject({ status: 'rejected', reason: expect.any(WrongExpectedRevisionError) });
      expect(results[6]).toMatchObject({ status: 'rejected' });
      for (const s of streams) expect(await store.readStream(s)).toHaveLength(2);
      expect(await store.readStream(taken)).toHaveLength(1);
      expect(await store.readStream(halfWritten)).toEqual([]);
      expect(await verifyChain(store)).toMatchObject({ ok: true });
    });

    // Only stores that offer appendAtomically have these tests at all; the others use plain appends.
    if (capabilities.atomicMultiStreamAppend)
      describe('appending to several streams at once', () => {
        it('writes every stream, in order, in one go', async () => {
          const [a, b] = [stream(), stream()];
          const results = await store.appendAtomically!([
            { stream: a, events: [event('A1'), event('A2')], expected: 'no_stream' },
            { stream: b, events: [event('B1')], expected: 'no_stream' },
            { stream: a, events: [event('A3')], expected: 1 },
          ]);
          expect(results.map((r) => r.nextRevision)).toEqual([1, 0, 2]);
          expect((await store.readStream(a)).map((e) => e.type)).toEqual(['A1', 'A2', 'A3']);
          expect(store.comparePositions(results[0]!.position, results[2]!.position)).toBeLessThan(0);
          expect(await verifyChain(store)).toMatchObject({ ok: true });
        });

        it('writes none of them when any one fails its expected revision', async () => {
          const [a, b] = [stream(), stream()];
          await store.append(b, [event()], { expected: 'no_stream' });
          await expect(
            store.appendAtomically!([
              { stream: a, events: [event()], expected: 'no_stream' },
              { stream: b, events: [event()], expected: 'no_stream' },
            ]),
          ).rejects.toBeInstanceOf(WrongExpectedRevisionError);
          expect(await store.readStream(a)).toEqual([]);
          expect(await store.readStream(b)).toHaveLength(1);
        });
      });

    describe.runIf(capabilities.gapFreeIntegerPositions)('appending copied links', () => {
      const count = async () => (await store.readLinks({ after: null, limit: 10_000 })).length;

      it('stores the links byte for byte as the next links of its chain', async () => {
        const [a, b] = [stream(), stream()];
        await store.append(a, [event('A0')], { expected: 'no_stream' });
        const links = await linksAfterHead(store, [
          { stream: a, revision: 1, dataJson: '{"name":"Zoë 🐾","n":1e21}' },
          { stream: b, revision: 0 },
          { stream: a, revision: 2 },
        ]);
        await store.appendLinks(links);
        expect(await store.readLinks({ after: '1', limit: 10 })).toEqual(links);
        expect((await store.readStream(a)).map((e) => [e.revision, e.data])).toEqual([
          [0, { n: 1 }],
          [1, { name: 'Zoë 🐾', n: 1e21 }],
          [2, { index: 2 }],
        ]);
        expect((await store.append(b, [event('B1')], { expected: 0 })).position).toBe('5');
        expect(await verifyChain(store)).toMatchObject({ ok: true, eventsChecked: 5 });
      });

      it('refuses a link that does not continue the chain, and writes none of the page', async () => {
        await store.append(stream(), [event()], { expected: 'no_stream' });
        const [s1, s2] = [stream(), stream()];
        const links = await linksAfterHead(store, [
          { stream: s1, revision: 0 },
          { stream: s2, revision: 0 },
        ]);
        const changed = [links[0]!, { ...links[1]!, dataJson: '{"index":9}' }];
        await expect(store.appendLinks(changed)).rejects.toThrow(ChainLinkRejectedError);
        const unlinked = [links[0]!, { ...links[1]!, prevHash: links[0]!.prevHash }];
        await expect(store.appendLinks(unlinked)).rejects.toThrow(ChainLinkRejectedError);
        await expect(store.appendLinks(links.slice(1))).rejects.toThrow(ChainLinkRejectedError);
        expect(await count()).toBe(1);
        await store.appendLinks(links);
        await expect(store.appendLinks(links)).rejects.toThrow(ChainLinkRejectedError);
        expect(await count()).toBe(3);
      });

      it('refuses a link that does not carry its stream’s next revision, and writes none of the page', async () => {
        const taken = stream();
        await store.append(taken, [event()], { expected: 'no_stream' });
        for (const revision of [0, 2]) {
          const links = await linksAfterHead(store, [
            { stream: stream(), revision: 0 },
            { stream: taken, revision },
          ]);
          const refused = store.appendLinks(links);
          await expect(refused).rejects.toBeInstanceOf(WrongExpectedRevisionError);
          await expect(refused).rejects.toMatchObject({
            stream: taken,
            expected: revision === 0 ? 'no_stream' : revision - 1,
            actual: 0,
          });
        }
        const skipping = await linksAfterHead(store, [{ stream: stream(), revision: 1 }]);
        await expect(store.appendLinks(skipping)).rejects.toMatchObject({ expected: 0, actual: 'no_stream' });
        expect(await count()).toBe(1);
      });

      it('refuses an id the store already holds, or one the page holds twice', async () => {
        const stored = event();
        await store.append(stream(), [stored], { expected: 'no_stream' });
        const reused = await linksAfterHead(store, [
          { stream: stream(), revision: 0 },
          { stream: stream(), revision: 0, id: stored.id },
        ]);
        await expect(store.appendLinks(reused)).rejects.toBeInstanceOf(DuplicateEventIdError);
        const twice = randomUUID();
        const doubled = await linksAfterHead(store, [
          { stream: stream(), revision: 0, id: twice },
          { stream: stream(), revision: 0, id: twice },
        ]);
        await expect(store.appendLinks(doubled)).rejects.toBeInstanceOf(DuplicateEventIdError);
        expect(await count()).toBe(1);
      });
    });

    describe('idempotence', () => {
      it('re-appending the same event ids appends nothing and returns the original result', async () => {
        const s = stream();
        const batch = [event('A'), event('B')];
        const first = await store.append(s, batch, { expected: 'no_stream' });
        const again = await store.append(s, batch, { expected: 'no_stream' });
        expect(again).toEqual(first);
        expect(await store.readStream(s)).toHaveLength(2);
      });

      it('re-using an event id for different content is refused', async () => {
        const s = stream();
        const e = event('A');
        await store.append(s, [e], { expected: 'no_stream' });
        await expect(store.append(stream(), [e], { expected: 'any' })).rejects.toBeInstanceOf(DuplicateEventIdError);
        await expect(store.append(s, [{ ...e, type: 'B' }], { expected: 'any' })).rejects.toBeInstanceOf(
          DuplicateEventIdError,
        );
      });
    });

    describe('reading', () => {
      it('readStream returns events in revision order with their data and metadata', async () => {
        const s = stream();
        await store.append(s, [event('A', { a: 1 }), event('B', { b: 'é' })], { expected: 'no_stream' });
        await store.append(s, [event('C', { c: [1, 2] })], { expected: 1 });
        const events = await store.readStream(s);
        expect(events.map((e) => [e.type, e.revision, e.data])).toEqual([
          ['A', 0, { a: 1 }],
          ['B', 1, { b: 'é' }],
          ['C', 2, { c: [1, 2] }],
        ]);
        expect(events[0]!.metadata.actor).toEqual({ kind: 'system', id: 'test' });
        expect(await store.readStream(stream())).toEqual([]);
      });

      it('readStream from a revision returns that event and the ones after it, and nothing past the end', async () => {
        const s = stream();
        await store.append(s, [event('A'), event('B'), event('C')], { expected: 'no_stream' });
        await store.append(stream(), [event('Elsewhere')], { expected: 'no_stream' });
        const from = async (fromRevision: number) =>
          (await store.readStream(s, { fromRevision })).map((e) => [e.type, e.revision]);
        expect(await from(0)).toEqual([
          ['A', 0],
          ['B', 1],
          ['C', 2],
        ]);
        expect(await from(2)).toEqual([['C', 2]]);
        expect(await from(3)).toEqual([]);
        expect(await from(1_000)).toEqual([]);
        expect(await store.readStream(stream(), { fromRevision: 5 })).toEqual([]);
        const [fromOne] = await store.readStream(s, { fromRevision: 1 });
        expect(fromOne).toEqual((await store.readStream(s))[1]);
      });

      it('readStream refuses a revision that is not a whole number from 0', async () => {
        const s = stream();
        await store.append(s, [event('A')], { expected: 'no_stream' });
        for (const fromRevision of [-1, 0.5, Number.NaN]) {
          await expect(store.readStream(s, { fromRevision })).rejects.toThrow(/fromRevision must be a whole number/);
        }
      });

      it('readAll pages through every event in strictly increasing order', async () => {
        const streams = [stream(), stream(), stream()];
        for (let i = 0; i < 30; i++) await store.append(streams[i % 3]!, [event('N', { i })], { expected: 'any' });
        const seen: { position: string; i: number }[] = [];
        let after: string | null = null;
        for (;;) {
          const page = await store.readAll({ after, limit: 7 });
          if (page.length === 0) break;
          for (const e of page)
            if (streams.includes(e.stream)) seen.push({ position: e.position, i: (e.data as { i: number }).i });
          after = page[page.length - 1]!.position;
        }
        expect(seen.map((s) => s.i)).toEqual(Array.from({ length: 30 }, (_, i) => i));
        for (let k = 1; k < seen.length; k++)
          expect(store.comparePositions(seen[k - 1]!.position, seen[k]!.position)).toBeLessThan(0);
      });

      it.runIf(capabilities.gapFreeIntegerPositions)('readAll positions are gap-free', async () => {
        for (let i = 0; i < 10; i++) await store.append(stream(), [event(), event()], { expected: 'no_stream' });
        const all = await store.readAll({ after: null, limit: 10_000 });
        all.forEach((e, k) => k > 0 && expect(BigInt(e.position) - BigInt(all[k - 1]!.position)).toBe(1n));
      });
    });

    describe('catch-up subscription', () => {
      it('delivers events after the checkpoint, then live appends, in order', async () => {
        const s = stream();
        await store.append(s, [event('Old')], { expected: 'no_stream' });
        const [checkpointEvent] = await store.readStream(s);
        await store.append(s, [event('Missed1'), event('Missed2')], { expected: 0 });
        const seen: string[] = [];
        const subscription = subscribe(store, {
          after: checkpointEvent!.position,
          pollIntervalMs: 20,
          handle: (events) => void seen.push(...events.filter((e) => e.stream === s).map((e) => e.type)),
        });
        await subscription.catchUp();
        expect(seen).toEqual(['Missed1', 'Missed2']);
        const live = await store.append(s, [event('Live')], { expected: 2 });
        await subscription.waitFor(live.position);
        expect(seen).toEqual(['Missed1', 'Missed2', 'Live']);
        await subscription.stop();
      });

      it('catches up page by page, reading ahead, in order and without repeats', async () => {
        const s = stream();
        for (let i = 0; i < 7; i++) await store.append(s, [event('N', { i })], { expected: 'any' });
        const pages: number[][] = [];
        const subscription = subscribe(store, {
          after: null,
          batchSize: 2,
          pollIntervalMs: 60_000,
          handle: (events) =>
            void pages.push(events.filter((e) => e.stream === s).map((e) => (e.data as { i: number }).i)),
        });
        await subscription.catchUp();
        await subscription.stop();
        expect(pages.flat()).toEqual([0, 1, 2, 3, 4, 5, 6]);
        expect(Math.max(...pages.map((page) => page.length))).toBe(2);
      });

      it('a failing handler is retried, never skipped', async () => {
        const s = stream();
        const appended = await store.append(s, [event('A'), event('B')], { expected: 'no_stream' });
        const seen: string[] = [];
        let failuresLeft = 2;
        const subscription = subscribe(store, {
          after: null,
          pollIntervalMs: 5,
          onError: () => undefined,
          handle: (events) => {
            if (failuresLeft-- > 0) throw new Error('transient');
            seen.push(...events.filter((e) => e.stream === s).map((e) => e.type));
          },
        });
        await subscription.waitFor(appended.position);
        expect(seen).toEqual(['A', 'B']);
        await subscription.stop();
      });
    });

    describe('hash chain', () => {
      it('links every event to the one before it and verifies end to end', async () => {
        for (let i = 0; i < 5; i++)
          await store.append(stream(), [event('X', { i }), event('Y')], { expected: 'no_stream' });
        const links = await store.readLinks({ after: null, limit: 10_000 });
        links.forEach((link, k) => expect(link.prevHash).toBe(k === 0 ? '' : links[k - 1]!.hash));
        expect(links.every((l) => /^[0-9a-f]{64}$/.test(l.hash))).toBe(true);
        const verdict = await verifyChain(store, { batchSize: 3 });
        expect(verdict).toMatchObject({ ok: true, eventsChecked: links.length });
      });
    });
  });
}
