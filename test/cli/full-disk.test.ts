import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { startServe, type ServeProcess } from '../support/serve.ts';

/**
 * A real full disk: a small ext4 image, loop-mounted. Mounting needs root (or CAP_SYS_ADMIN);
 * where the machine cannot, the test says SKIPPED and why.
 */
function mountSmallDisk(): { dir: string; unmount: () => void } | { skipped: string } {
  const work = mkdtempSync(join(tmpdir(), 'latchkey-full-disk-'));
  const image = join(work, 'disk.ext4');
  const dir = join(work, 'mnt');
  try {
    execFileSync('truncate', ['-s', '16M', image]);
    // -m 0: no blocks reserved for root, so the disk is full for this process too.
    execFileSync('mkfs.ext4', ['-q', '-F', '-m', '0', image], { stdio: 'pipe' });
    execFileSync('mkdir', [dir]);
    execFileSync('mount', ['-o', 'loop', image, dir], { stdio: 'pipe' });
  } catch (error) {
    rmSync(work, { recursive: true, force: true });
    return { skipped: `cannot loop-mount a file-backed ext4 image here (${(error as Error).message.split('\n')[0]})` };
  }
  return {
    dir,
    unmount: () => {
      execFileSync('umount', [dir]);
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/** Fills the disk to the last block with one file, which is deleted to give the space back. */
function fillDisk(dir: string): string {
  const filler = join(dir, 'filler');
  try {
    execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=64k'], { stdio: 'pipe' });
  } catch {
    // dd stops with "No space left on device": that is the point.
  }
  for (let i = 0; ; i++) {
    try {
      writeFileSync(join(dir, `crumb-${i}`), Buffer.alloc(1024));
    } catch {
      return filler;
    }
  }
}

function postLogin(
  url: string,
  password: string,
): Promise<{ status: number; retryAfter: string | null; body: string }> {
  const { port } = new URL(url);
  const body = `username=olivia.nguyen%40example.com&password=${encodeURIComponent(password)}`;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/login',
        headers: {
          Host: `localhost:${port}`,
          Origin: `http://localhost:${port}`,
          'Content-Type': 'application/x-www-form-urlencoded',
          'Content-Length': Buffer.byteLength(body),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode!, retryAfter: (res.headers['retry-after'] as string) ?? null, body: text }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The site checks a form's Origin against its public origin, so the port is chosen before start. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const mounted = mountSmallDisk();
if ('skipped' in mounted) console.log(`SKIPPED full disk (loop-mounted image): ${mounted.skipped}`);

describe.skipIf('skipped' in mounted)('a full disk', () => {
  const disk = mounted as { dir: string; unmount: () => void };
  const data = join(disk.dir, 'data');
  let serve: ServeProcess | null = null;

  beforeAll(async () => {
    execFileSync('mkdir', [data]);
    expect((await runCli(['demo'], { LATCHKEY_DATA_DIR: data })).code).toBe(0);
    // An empty write-ahead log, so the next append must take new blocks from the disk.
    for (const name of ['events.sqlite', 'read-models.sqlite']) {
      const db = new Database(join(data, name));
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
    }
  });
  afterAll(async () => {
    await serve?.stop();
    disk.unmount();
  });

  it('the site answers 503 with Retry-After, the CLI one line, and serve recovers when space comes back', async () => {
    const port = await freePort();
    serve = await startServe({
      LATCHKEY_DATA_DIR: data,
      PORT: String(port),
      PUBLIC_ORIGIN: `http://localhost:${port}`,
    });
    const filler = fillDisk(disk.dir);

    const full = await postLogin(serve.url, 'not-the-password-1');
    expect(full.status).toBe(503);
    expect(full.retryAfter).toMatch(/^\d+$/);
    expect(full.body).toContain('Wait');
    expect(full.body).not.toMatch(/SQLITE|\n\s+at |\w+Error\b/);

    const cli = await runCli(['clients', 'set-email', 'D1001', 'olivia.new@example.com'], { LATCHKEY_DATA_DIR: data });
    expect(cli.code).toBe(1);
    const lines = cli.stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^latchkey: .*(disk is full|I\/O error)/);
    expect(cli.stderr).not.toMatch(/\n\s+at /);

    rmSync(filler);
    execFileSync('sh', ['-c', `rm -f ${join(disk.dir, 'crumb-')}*`]);
    const recovered = await postLogin(serve.url, 'not-the-password-2');
    expect(recovered.status).toBe(422);
  });
});
