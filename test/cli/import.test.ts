import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';

const sample = fileURLToPath(new URL('../fixtures/clients-sample.csv', import.meta.url));

describe('latchkey clients import', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'latchkey-cli-'));
    env = { LATCHKEY_DATA_DIR: dir };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a dry run reports every row and writes nothing', async () => {
    const result = await runCli(['clients', 'import', '--dry-run', sample], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Dry run, nothing written: 25 new, 0 changed, 0 unchanged, 0 with errors.');
    expect(result.stdout).toMatch(/line 10 \(C1009\): note: has no email/);
    expect(result.stdout).toMatch(/line 14 \(C1013\): note: shares the email logan.thomas@example.com with C1012/);
    const search = await runCli(['clients', 'search', 'olivia'], env);
    expect(search.stdout).toContain('No client matches.');
  });

  it('imports the export with its wrinkles, then re-importing changes nothing', async () => {
    const first = await runCli(['clients', 'import', sample], env);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Imported: 25 new, 0 changed, 0 unchanged, 0 with errors.');
    const again = await runCli(['clients', 'import', sample], env);
    expect(again.stdout).toContain('Imported: 0 new, 0 changed, 25 unchanged, 0 with errors.');
    const search = await runCli(['clients', 'search', 'zoe', 'oneil'], env);
    expect(search.stdout).toContain("C1015  Zoë O'Neil-Jackson  <zoe.oneil@example.com>  No login");
    const clark = await runCli(['clients', 'search', 'clark'], env);
    expect(clark.stdout).toContain('Ella Clark, Jr.');
    const ava = await runCli(['clients', 'search', 'ava'], env);
    expect(ava.stdout).toContain('<ava.brown@example.com>');
  });

  it('a file with bad rows is refused whole, naming each line, and nothing is written', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(
      bad,
      [
        'Client ID,First Name,Last Name,Email,Status',
        'N1,New,Person,new.person@example.com,active',
        'N2,,Nameless,nameless@example.com,active',
        'N3,Bad,Email,not-an-email,active',
        'N4,Too,Many,fields@example.com,active,extra',
        'N1,Dup,Id,dup@example.com,active',
        'N5,Odd,Status,odd@example.com,sleeping',
      ].join('\n'),
    );
    const result = await runCli(['clients', 'import', bad], env);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('line 3 (N2): error: First Name is empty');
    expect(result.stdout).toContain('line 4 (N3): error: Email is not a valid email address');
    expect(result.stdout).toContain('line 5: error: has 6 fields where the header has 5');
    expect(result.stdout).toContain('line 6 (N1): error: Client ID N1 already appears on line 2');
    expect(result.stdout).toContain('line 7 (N5): error: Status must be active or inactive');
    expect(result.stdout).toContain('Nothing imported');
    expect((await runCli(['clients', 'search', 'new', 'person'], env)).stdout).toContain('No client matches.');
  });

  it('an unreadable file or a missing column is a clear error with a non-zero exit', async () => {
    const missing = await runCli(['clients', 'import', join(dir, 'nope.csv')], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no such file');
    const noEmail = join(dir, 'no-email-column.csv');
    writeFileSync(noEmail, 'Client ID,First Name,Last Name\nX1,A,B\n');
    const result = await runCli(['clients', 'import', noEmail], env);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('The header row lacks the column(s): email');
    const broken = join(dir, 'broken.csv');
    writeFileSync(broken, 'Client ID,First Name,Last Name,Email\nX1,"unclosed,B,c@example.com\n');
    const unreadable = await runCli(['clients', 'import', broken], env);
    expect(unreadable.code).toBe(1);
    expect(unreadable.stdout).toContain('The file is not readable CSV');
  });
});

describe('latchkey settings and data folder', () => {
  it('a named data folder that does not exist is refused and nothing is created', async () => {
    const result = await runCli(['clients', 'search', 'x'], { LATCHKEY_DATA_DIR: '/nonexistent/latchkey-data' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('LATCHKEY_DATA_DIR: the folder /nonexistent/latchkey-data does not exist');
  });

  it('a bad setting names the variable and what to use', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-cli-'));
    const result = await runCli(['clients', 'search', 'x'], {
      LATCHKEY_DATA_DIR: dir,
      PASSWORD_MIN_LENGTH: '4',
      PORT: 'eighty',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('PASSWORD_MIN_LENGTH: use 8 to 64');
    expect(result.stderr).toContain('PORT: use a port number');
    const weakPepper = await runCli(['clients', 'search', 'x'], {
      LATCHKEY_DATA_DIR: dir,
      LATCHKEY_PEPPER: '='.repeat(44),
    });
    expect(weakPepper.code).toBe(1);
    expect(weakPepper.stderr).toContain('the configured pepper decodes to 0 bytes');
    rmSync(dir, { recursive: true, force: true });
  });

  it('a corrupted database file is named as such and left untouched', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-cli-'));
    const file = join(dir, 'events.sqlite');
    const bytes = 'this is not a database, just some bytes that were here before'.repeat(100);
    writeFileSync(file, bytes);
    const result = await runCli(['audit', 'verify'], { LATCHKEY_DATA_DIR: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `cannot open the event store at ${file}: the file is not a SQLite database or is corrupted`,
    );
    expect(readFileSync(file, 'utf8')).toBe(bytes);
    rmSync(dir, { recursive: true, force: true });
  });
});
