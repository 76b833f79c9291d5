import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { latchkeyArgs } from '../support/cli.ts';
import { startServe, type ServeProcess } from '../support/serve.ts';

let serve: ServeProcess | null = null;
const dir = mkdtempSync(join(tmpdir(), 'latchkey-unhandled-'));
afterEach(async () => {
  await serve?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('a promise nobody handled is logged once and the site keeps serving', async () => {
  const preload = fileURLToPath(new URL('../fixtures/reject-on-signal.ts', import.meta.url));
  const [tsxFlag, tsx, entry] = latchkeyArgs;
  serve = await startServe(
    { LATCHKEY_DATA_DIR: dir },
    { args: [process.execPath, tsxFlag!, tsx!, '--import', preload, entry!] },
  );
  expect((await fetch(`${serve.url}/login`)).status).toBe(200);

  serve.child.kill('SIGUSR2');
  const logged = await serve.waitForLog((line) => String(line.msg).includes('nobody handled it; still serving'));
  expect(logged).toMatchObject({ level: 50, err: { message: 'a background task of some library failed' } });
  expect(serve.child.exitCode).toBeNull();
  expect((await fetch(`${serve.url}/login`)).status).toBe(200);
  expect(serve.logs().filter((line) => String(line.msg).includes('nobody handled it'))).toHaveLength(1);
});
