import { describe, expect, it } from 'vitest';
import { ok, reject, type Rejection, type Result } from '../../src/domain/result.ts';
import { deciderSpec } from './decider-spec.ts';

/** A counter that refuses to go below zero: small enough to see what the helper itself does. */
type Event = { type: 'Added'; by: number };
type Command = { type: 'Add'; by: number };
const { given } = deciderSpec<Command, Event, number>({
  initialState: 0,
  evolve: (total, event) => total + event.by,
  decide: (command, total): Result<Event[], Rejection> =>
    total + command.by < 0
      ? reject('negative', 'The total would go below zero.')
      : ok([{ type: 'Added', by: command.by }]),
});

describe('the decider spec helper', () => {
  it('folds the given events into the state the command is decided on', () => {
    expect(given({ type: 'Added', by: 2 }, { type: 'Added', by: 3 }).state).toBe(5);
    given({ type: 'Added', by: 1 })
      .when({ type: 'Add', by: -1 })
      .then([{ type: 'Added', by: -1 }]);
    given()
      .when({ type: 'Add', by: -1 })
      .thenError('negative', /below zero/);
  });

  it('a wrong expectation fails with the whole story: given, when, expected and decided', () => {
    const wrong = () => given({ type: 'Added', by: 1 }).when({ type: 'Add', by: 2 }).then([]);
    expect(wrong).toThrow(/given\n {2}\{"type":"Added","by":1\}\nwhen\n {2}\{"type":"Add","by":2\}/);
    expect(wrong).toThrow(/expected the events\n {2}\(nothing\)\nbut it decided\n {2}\{"type":"Added","by":2\}/);
  });

  it('expecting events from a refused command names the refusal', () =>
    expect(() => given().when({ type: 'Add', by: -1 }).then([])).toThrow(
      /but it was refused: negative \(The total would go below zero\.\)/,
    ));

  it('expecting a refusal from an accepted command names what it decided', () => {
    expect(() => given().when({ type: 'Add', by: 1 }).thenError('negative')).toThrow(
      /expected the refusal negative\nbut it decided\n {2}\{"type":"Added","by":1\}/,
    );
    expect(() => given().when({ type: 'Add', by: -1 }).thenError('other')).toThrow(/expected the refusal other/);
    expect(() => given().when({ type: 'Add', by: -1 }).thenError('negative', /above/)).toThrow();
  });
});
