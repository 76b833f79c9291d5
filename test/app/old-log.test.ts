import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/app/clock.ts';
import { openApp, type App } from '../../src/app/context.ts';
import { loadConfig } from '../../src/config.ts';
import { businessOf, decodeEvent } from '../../src/domain/events.ts';
import { verifyChain } from '../../src/eventstore/verify.ts';
import { createHttpApp } from '../../src/http/app.ts';
import { SiteClient, origin } from '../http/support.ts';
import { fastScrypt } from '../support/app.ts';

const fixture = join(import.meta.dirname, '..', 'fixtures', 'single-business-log', 'events.sqlite');
// The fixture's own pepper (see its README): 32 bytes of 7s, not a secret.
const fixturePepper = Buffer.alloc(32, 7).toString('base64');

let app: App | null = null;
let dir = '';
afterEach(async () => {
  await app?.close();
  app = null;
  rmSync(dir, { recursive: true, force: true });
});

/** A copy of the old log in a fresh folder, so the committed file is never written. */
async function openOldLog(): Promise<App> {
  dir = mkdtempSync(join(tmpdir(), 'latchkey-old-log-'));
  copyFileSync(fixture, join(dir, 'events.sqlite'));
  const config = loadConfig({
    LATCHKEY_DATA_DIR: dir,
    LATCHKEY_PEPPER: fixturePepper,
    PUBLIC_ORIGIN: origin,
    LOG_LEVEL: 'silent',
  });
  app = await openApp(config, {
    clock: manualClock('2026-03-04T09:00:00.000Z'),
    scryptParams: fastScrypt,
    pollIntervalMs: 20,
  });
  return app;
}

describe('a log recorded before businesses', () => {
  it('has no business id in its stored events, and passes audit verify', async () => {
    const old = await openOldLog();
    const stored = await old.deps.store.readAll({ after: null, limit: 1_000 });
    expect(stored).toHaveLength(10);
    expect(stored.every((event) => event.metadata.businessId === undefined)).toBe(true);
    expect(await verifyChain(old.deps.store)).toMatchObject({ ok: true, eventsChecked: 10 });
  });

  it('is read as the default business, with its streams under their old names', async () => {
    const old = await openOldLog();
    const stored = await old.deps.store.readAll({ after: null, limit: 1_000 });
    expect(stored.map((event) => businessOf(decodeEvent(event)!))).toEqual(Array(10).fill('default'));
    expect(old.deps.readModels.credentials.findClientIdByUserName('olivia')).toBe('C1');
    expect(old.deps.readModels.clients.getClient('C2')?.firstName).toBe('Liam');
  });

  it('serves its clients as the default business: a client logs in on the default origin', async () => {
    const old = await openOldLog();
    const client = new SiteClient(createHttpApp(old));
    const response = await client.post('/login', { username: 'olivia', password: 'velvet otter juggles lanterns' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/account');
    expect(client.cookie).not.toBeNull();
    const appended = (await old.deps.store.readAll({ after: null, limit: 1_000 })).slice(10);
    expect(appended.map((event) => [event.type, event.metadata.businessId])).toContainEqual([
      'LoginSucceeded',
      'default',
    ]);
    expect(await verifyChain(old.deps.store)).toMatchObject({ ok: true });
  });
});
