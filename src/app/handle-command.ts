import type { Rejection, Result } from '../domain/result.ts';
import { WrongExpectedRevisionError, type Actor, type EventStore, type RecordedEvent } from '../eventstore/port.ts';
import { deriveEventId } from './ids.ts';

export interface DomainEvent {
  readonly type: string;
  readonly data: unknown;
}

export interface Decider<C, E extends DomainEvent, S> {
  readonly initialState: S;
  evolve(state: S, event: E, recorded: RecordedEvent): S;
  decide(command: C, state: S): Result<E[], Rejection>;
}

export interface CommandContext {
  readonly commandId: string;
  readonly actor: Actor;
  readonly at: Date;
  readonly causationId?: string;
}

export interface Handled<E, S> {
  readonly events: readonly E[];
  readonly state: S;
  /** Position of the last event appended, for read-your-writes waits; null when nothing was appended. */
  readonly position: string | null;
  /** True when this command id had already been handled: nothing new was appended. */
  readonly duplicate: boolean;
}

export function foldStream<E extends DomainEvent, S>(
  decider: Decider<unknown, E, S>,
  recorded: readonly RecordedEvent[],
): S {
  return recorded.reduce((state, event) => decider.evolve(state, event as unknown as E, event), decider.initialState);
}

const maxAttempts = 20;

/**
 * Load → decide → append with the expected revision; on a conflict, load again and decide
 * again, because the other writer's events may change the decision.
 */
export async function handleCommand<C, E extends DomainEvent, S>(
  store: EventStore,
  decider: Decider<C, E, S>,
  stream: string,
  command: C | ((state: S) => C),
  context: CommandContext,
): Promise<Result<Handled<E, S>, Rejection>> {
  for (let attempt = 1; ; attempt++) {
    const recorded = await store.readStream(stream);
    const state = foldStream(decider as Decider<unknown, E, S>, recorded);
    if (recorded.some((event) => event.metadata.commandId === context.commandId)) {
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
    const metadata = {
      actor: context.actor,
      commandId: context.commandId,
      at: context.at.toISOString(),
      ...(context.causationId ? { causationId: context.causationId } : {}),
    };
    const expected = recorded.length === 0 ? 'no_stream' : recorded[recorded.length - 1]!.revision;
    try {
      const revision = typeof expected === 'number' ? expected : -1;
      const appended = await store.append(
        stream,
        events.map((event, index) => ({
          id: deriveEventId(context.commandId, stream, index),
          type: event.type,
          data: event.data,
          metadata,
        })),
        { expected },
      );
      const next = events.reduce(
        (s, event, index) => decider.evolve(s, event, syntheticRecord(stream, revision + 1 + index, event, metadata)),
        state,
      );
      return { ok: true, value: { events, state: next, position: appended.position, duplicate: false } };
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError) || attempt >= maxAttempts) throw error;
      // Writers that collided would collide again in lockstep; a little jitter spreads them out.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * attempt * 2));
    }
  }
}

function syntheticRecord(
  stream: string,
  revision: number,
  event: DomainEvent,
  metadata: RecordedEvent['metadata'],
): RecordedEvent {
  return {
    id: '',
    stream,
    revision,
    position: '',
    type: event.type,
    data: event.data,
    metadata,
    prevHash: '',
    hash: '',
  };
}
