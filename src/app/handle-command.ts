import {
  decodeEvent,
  isEventOfStream,
  type DecodedEvent,
  type LatchkeyEvent,
  type Recorded,
  type StreamEvents,
  type StreamKind,
} from '../domain/events.ts';
import type { Rejection, Result } from '../domain/result.ts';
import {
  WrongExpectedRevisionError,
  type EventMetadata,
  type EventStore,
  type RecordedEvent,
} from '../eventstore/port.ts';
import { eventMetadata, toNewEvents, type CommandContext } from './record-event.ts';

export type { CommandContext } from './record-event.ts';

export interface Decider<C, E extends LatchkeyEvent, S> {
  readonly initialState: S;
  /** Whether a decoded event belongs to this decider's streams (anything else there is a broken invariant). */
  accepts(event: DecodedEvent): event is Recorded<E>;
  /** `metadata.at` is the event's decision time: evolve reads no clock either. */
  evolve(state: S, event: E, metadata: EventMetadata): S;
  decide(command: C, state: S): Result<E[], Rejection>;
}

export interface Handled<E, S> {
  readonly events: readonly E[];
  readonly state: S;
  /** Position of the last event appended, for read-your-writes waits; null when nothing was appended. */
  readonly position: string | null;
  /** True when this command id had already been handled: nothing new was appended. */
  readonly duplicate: boolean;
}

/** Decodes a stream's events for its decider. */
export function decodeStream<E extends LatchkeyEvent>(
  decider: Pick<Decider<unknown, E, unknown>, 'accepts'>,
  recorded: readonly RecordedEvent[],
): Recorded<E>[] {
  return recorded.map((stored) => {
    const event = decodeEvent(stored);
    if (!event || !decider.accepts(event)) {
      throw new Error(
        `stream ${stored.stream} holds event ${stored.id} of type ${stored.type}, which does not belong there`,
      );
    }
    return event;
  });
}

/** Reads one stream's events, decoded, for a reader that is not a decider (the mail relay, webhooks). */
export async function readStreamOf<K extends StreamKind>(
  store: EventStore,
  stream: string,
  kind: K,
): Promise<Recorded<StreamEvents[K]>[]> {
  return decodeStream({ accepts: (event) => isEventOfStream(event, kind) }, await store.readStream(stream));
}

export function foldEvents<E extends LatchkeyEvent, S>(
  decider: Pick<Decider<unknown, E, S>, 'evolve'>,
  state: S,
  events: readonly Recorded<E>[],
): S {
  return events.reduce((current, event) => decider.evolve(current, event, event.metadata), state);
}

export function foldStream<E extends LatchkeyEvent, S>(
  decider: Decider<unknown, E, S>,
  recorded: readonly RecordedEvent[],
): S {
  return foldEvents(decider, decider.initialState, decodeStream(decider, recorded));
}

/** A stream's state as a command sees it before deciding. */
export interface LoadedStream<S> {
  readonly state: S;
  /** The last revision folded into `state`; null when there is no stream. */
  readonly revision: number | null;
  /** Whether a command id is in the events this load read (a snapshot load reads only those after it). */
  hasCommand(commandId: string): boolean;
}

export type StreamLoader<S> = (stream: string) => Promise<LoadedStream<S>>;

/** Reads and folds the whole stream: every command id in it is known. */
export async function loadWholeStream<E extends LatchkeyEvent, S>(
  store: EventStore,
  decider: Decider<unknown, E, S>,
  stream: string,
): Promise<LoadedStream<S>> {
  const recorded = await store.readStream(stream);
  return {
    state: foldStream(decider, recorded),
    revision: recorded.length === 0 ? null : recorded[recorded.length - 1]!.revision,
    hasCommand: (commandId) => recorded.some((event) => event.metadata.commandId === commandId),
  };
}

const maxAttempts = 20;

/**
 * Load → decide → append with the expected revision; on a conflict, load again and decide
 * again, because the other writer's events may change the decision. `load` reads the whole
 * stream unless the caller gives a cheaper one (a snapshot's) where its command id is fresh.
 */
export async function handleCommand<C, E extends LatchkeyEvent, S>(
  store: EventStore,
  decider: Decider<C, E, S>,
  stream: string,
  command: C | ((state: S) => C),
  context: CommandContext,
  load: StreamLoader<S> = (name) => loadWholeStream(store, decider as Decider<unknown, E, S>, name),
): Promise<Result<Handled<E, S>, Rejection>> {
  for (let attempt = 1; ; attempt++) {
    const { state, revision, hasCommand } = await load(stream);
    if (hasCommand(context.commandId)) {
      return { ok: true, value: { events: [], state, position: null, duplicate: true } };
    }
    const decision = decider.decide(
      typeof command === 'function' ? (command as (state: S) => C)(state) : command,
      state,
    );
    if (!decision.ok || decision.value.length === 0) {
      return decision.ok ? { ok: true, value: { events: [], state, position: null, duplicate: false } } : decision;
    }
    const events = decision.value;
    const expected = revision === null ? 'no_stream' : revision;
    try {
      const appended = await store.append(stream, toNewEvents(stream, events, context), { expected });
      const next = events.reduce((s, event) => decider.evolve(s, event, eventMetadata(event, context)), state);
      return { ok: true, value: { events, state: next, position: appended.position, duplicate: false } };
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError) || attempt >= maxAttempts) throw error;
      // Writers that collided would collide again in lockstep; a little jitter spreads them out.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * attempt * 2));
    }
  }
}
