import { eventVersionToRecord, type LatchkeyEvent } from '../domain/events.ts';
import type { Actor, AppendResult, EventMetadata, EventStore, ExpectedRevision, NewEvent } from '../eventstore/port.ts';
import { deriveEventId, newId } from './ids.ts';

/** Who decided, when, and under which command id: the metadata every appended event carries. */
export interface CommandContext {
  /** The business the command acts for: every event it appends records it. */
  readonly businessId: string;
  readonly commandId: string;
  readonly actor: Actor;
  readonly at: Date;
  readonly causationId?: string;
}

export interface RecordOptions {
  /**
   * `derived` (the default): ids follow from the command id, so a retry re-appends the very same
   * events and the store takes it as done. `fresh`: new ids, for a claim whose `no_stream` check
   * must refuse a second use even by the same command.
   */
  readonly eventIds?: 'derived' | 'fresh';
}

export function eventMetadata(event: LatchkeyEvent, context: CommandContext): EventMetadata {
  const eventVersion = eventVersionToRecord(event.type);
  return {
    actor: context.actor,
    commandId: context.commandId,
    at: context.at.toISOString(),
    businessId: context.businessId,
    ...(context.causationId ? { causationId: context.causationId } : {}),
    ...(eventVersion === null ? {} : { eventVersion }),
  };
}

/** The one place appended events get their ids and metadata. */
export function toNewEvents(
  stream: string,
  events: readonly LatchkeyEvent[],
  context: CommandContext,
  options: RecordOptions = {},
): NewEvent[] {
  return events.map((event, index) => ({
    id: options.eventIds === 'fresh' ? newId() : deriveEventId(context.commandId, stream, index),
    type: event.type,
    data: event.data,
    metadata: eventMetadata(event, context),
  }));
}

/**
 * Appends one event decided outside a decider (a fact reported from outside: a mail outcome, a
 * delivery report, a refused Slack request, an unmatched request). Commands that decide on a
 * stream's state go through handleCommand, which appends the same way.
 */
export function recordEvent(
  store: EventStore,
  stream: string,
  event: LatchkeyEvent,
  context: CommandContext,
  expected: ExpectedRevision,
  options: RecordOptions = {},
): Promise<AppendResult> {
  return store.append(stream, toNewEvents(stream, [event], context, options), { expected });
}
