import { describe, expect, it } from 'vitest';
import type { CredentialEvent } from '../../src/domain/credential/events.ts';
import { useReadModels } from './support.ts';

const { readModels, apply } = useReadModels();

const ended = (sessionFingerprint: string, expiresAt: string): CredentialEvent => ({
  type: 'SessionEnded',
  data: { clientId: 'C1', sessionFingerprint, expiresAt },
});

describe('the ended sessions read model', () => {
  it('a session logged out in one browser is ended, others are not', () => {
    apply([ended('fp-1', '2026-03-04T14:00:00.000Z')]);
    expect(readModels().endedSessions.isSessionEnded('fp-1')).toBe(true);
    expect(readModels().endedSessions.isSessionEnded('fp-2')).toBe(false);
  });

  it('a session is forgotten once a later event finds its token expired, by the event time', () => {
    apply(
      [ended('fp-1', '2026-03-04T14:00:00.000Z'), ended('fp-2', '2026-03-06T14:00:00.000Z')],
      '2026-03-03T14:00:00.000Z',
    );
    apply([ended('fp-3', '2026-03-08T14:00:00.000Z')], '2026-03-05T14:00:00.000Z');
    const { isSessionEnded } = readModels().endedSessions;
    expect([isSessionEnded('fp-1'), isSessionEnded('fp-2'), isSessionEnded('fp-3')]).toEqual([false, true, true]);
  });

  it('the same session ended twice is one row', () => {
    apply([ended('fp-1', '2026-03-04T14:00:00.000Z'), ended('fp-1', '2026-03-04T14:00:00.000Z')]);
    expect(readModels().db.prepare('SELECT count(*) AS n FROM ended_sessions').get()).toEqual({ n: 1 });
  });

  it('revoking every session is the session version, not this table', () => {
    apply([{ type: 'SessionsRevoked', data: { clientId: 'C1', reason: 'client' } }]);
    expect(readModels().db.prepare('SELECT count(*) AS n FROM ended_sessions').get()).toEqual({ n: 0 });
  });
});
