import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manualClock } from '../../src/app/clock.ts';
import { openApp, type App, type AppOptions } from '../../src/app/context.ts';
import { loadConfig } from '../../src/config.ts';
import type { Actor } from '../../src/eventstore/port.ts';

export const staff: Actor = { kind: 'staff', id: 'U-STAFF', name: 'Sam Staff' };

/** scrypt at a low cost so tests stay fast; production keeps the default parameters. */
export const fastScrypt = { N: 2 ** 10, r: 8, p: 1 };

export interface TestApp extends App {
  readonly dir: string;
  readonly clock: ReturnType<typeof manualClock>;
  dispose(): Promise<void>;
}

/** A real app on a real SQLite file in a fresh folder, with a clock the test moves, on http://localhost:3000. */
export async function createTestApp(env: Record<string, string> = {}, options: AppOptions = {}): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-test-'));
  const clock = manualClock('2026-03-03T14:00:00.000Z');
  const config = loadConfig({
    LATCHKEY_DATA_DIR: dir,
    LOG_LEVEL: 'silent',
    PUBLIC_ORIGIN: 'http://localhost:3000',
    ...env,
  });
  const app = await openApp(config, { clock, scryptParams: fastScrypt, pollIntervalMs: 20, ...options });
  return {
    ...app,
    dir,
    clock,
    async dispose() {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Registers clients directly through the import path, as staff would. */
export async function registerClients(
  app: App,
  clients: { clientId: string; firstName: string; lastName: string; email: string | null; active?: boolean }[],
): Promise<void> {
  const { importClients } = await import('../../src/app/directory.ts');
  const rows = clients.map((c, i) => ({
    line: i + 2,
    clientId: c.clientId,
    details: { firstName: c.firstName, lastName: c.lastName, email: c.email, altEmail: null, active: c.active ?? true },
    errors: [],
    warnings: [],
  }));
  const report = await importClients(app.deps, { rows, fileError: null }, { dryRun: false }, { actor: staff });
  if (!report.written) throw new Error('test clients were not registered');
}
