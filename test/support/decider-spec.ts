import { assert, expect } from 'vitest';
import type { Rejection, Result } from '../../src/domain/result.ts';
import type { EventMetadata } from '../../src/eventstore/port.ts';

/**
 * The part of a decider a specification needs: the same shape as the application's `Decider`
 * (src/app/handle-command.ts) without the stream check, so a domain decider or the application's
 * wrapper of it can be specified alike.
 */
export interface SpecifiedDecider<C, E, S> {
  readonly initialState: S;
  evolve(state: S, event: E, metadata: EventMetadata): S;
  decide(command: C, state: S): Result<readonly E[], Rejection>;
}

export interface DeciderSpec<C, E, S> {
  /** The state the given events fold to, each decided at the spec's time. */
  given(...events: readonly E[]): Given<C, E, S>;
}

export interface Given<C, E, S> {
  readonly state: S;
  when(command: C): When<E>;
}

export interface When<E> {
  /** The command is accepted and decides exactly these events (none: `then([])`). */
  then(expected: readonly E[]): void;
  /** The command is refused with this code (and, when given, a message matching `message`). */
  thenError(code: string, message?: RegExp): void;
}

const show = (value: unknown): string => JSON.stringify(value);
const listed = (items: readonly unknown[]): string =>
  items.length === 0 ? '  (nothing)' : items.map((item) => `  ${show(item)}`).join('\n');

/**
 * given(events).when(command).then(events) / .thenError(code): a decider's tests read as its
 * rules, and a failing one prints the whole story (what was given, the command, what was expected
 * and what was decided) instead of a bare diff.
 */
export function deciderSpec<C, E, S>(
  decider: SpecifiedDecider<C, E, S>,
  options: { readonly at?: string } = {},
): DeciderSpec<C, E, S> {
  const metadata: EventMetadata = {
    actor: { kind: 'system', id: 'spec' },
    at: options.at ?? '2026-03-03T14:00:00.000Z',
  };
  return {
    given(...events) {
      const state = events.reduce((current, event) => decider.evolve(current, event, metadata), decider.initialState);
      return {
        state,
        when(command) {
          const decision = decider.decide(command, state);
          const story = `given\n${listed(events)}\nwhen\n  ${show(command)}`;
          return {
            then(expected) {
              if (!decision.ok) {
                assert.fail(
                  `${story}\nthen, expected the events\n${listed(expected)}\nbut it was refused: ${decision.error.code} (${decision.error.message})`,
                );
              }
              expect(
                decision.value,
                `${story}\nthen, expected the events\n${listed(expected)}\nbut it decided\n${listed(decision.value)}\n`,
              ).toEqual(expected);
            },
            thenError(code, message) {
              if (decision.ok) {
                assert.fail(`${story}\nthen, expected the refusal ${code}\nbut it decided\n${listed(decision.value)}`);
              }
              expect(decision.error.code, `${story}\nthen, expected the refusal ${code}`).toBe(code);
              if (message) expect(decision.error.message, story).toMatch(message);
            },
          };
        },
      };
    },
  };
}
