import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, registerClients } from '../support/app.ts';
import { latchkeyArgs } from '../support/cli.ts';

/** Runs a shell pipeline with `latchkey` standing for the real command, as a person types it. */
function pipeline(script: string, env: Record<string, string>): Promise<{ stdout: string; stderr: string }> {
  const latchkey = [process.execPath, ...latchkeyArgs].map((part) => `'${part}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script.replaceAll('latchkey', latchkey)], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', () => resolve({ stdout, stderr }));
  });
}

describe('output through a pipe', () => {
  let dir: string;
  let eventCount: number;

  beforeAll(async () => {
    const app = await createTestApp();
    dir = app.dir;
    await registerClients(
      app,
      Array.from({ length: 20_000 }, (_, i) => ({
        clientId: `P${String(i).padStart(5, '0')}`,
        firstName: 'Pat',
        lastName: `Number ${i}`,
        email: `pat.${i}@example.com`,
      })),
    );
    eventCount = 0;
    for (let after: string | null = null; ;) {
      const links = await app.deps.store.readLinks({ after, limit: 5_000 });
      if (links.length === 0) break;
      eventCount += links.length;
      after = links[links.length - 1]!.position;
    }
    await app.close();
  }, 180_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('audit log of 20,000 events through `| cat` prints every one of them, then exits 0', async () => {
    expect(eventCount).toBeGreaterThanOrEqual(20_000);
    const result = await pipeline('set -o pipefail; latchkey audit log | cat; echo "exit=$?" >&2', {
      LATCHKEY_DATA_DIR: dir,
    });
    const lines = result.stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(eventCount);
    expect((JSON.parse(lines.at(-1)!) as { type: string }).type).toBe('ClientRegistered');
    expect(result.stderr).toBe('exit=0\n');
  });

  it('a reader that stops early (`| head -1`) ends the command quietly with exit 0', async () => {
    const result = await pipeline('latchkey audit log | head -1; echo "exit=${PIPESTATUS[0]}" >&2', {
      LATCHKEY_DATA_DIR: dir,
    });
    expect(result.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(result.stderr).toBe('exit=0\n');
  });
});
