import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';

describe('latchkey business', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'latchkey-cli-'));
    env = { LATCHKEY_DATA_DIR: dir, BUSINESS_NAME: 'First Paws', PUBLIC_ORIGIN: 'http://localhost:3000' };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('adds, lists, shows, changes, suspends and reinstates a business', async () => {
    const added = await runCli(
      [
        'business',
        'add',
        'happypaws',
        '--name',
        'Happy Paws',
        '--origin',
        'http://happypaws.localhost:3000',
        'time-zone=America/Chicago',
        'contact=office@happypaws.example',
      ],
      env,
    );
    expect(added.stderr).toBe('');
    expect(added.stdout).toBe('Added happypaws (Happy Paws) at http://happypaws.localhost:3000.\n');

    const listed = await runCli(['business', 'list'], env);
    expect(listed.stdout).toBe(
      'default\tactive\thttp://localhost:3000\tFirst Paws\nhappypaws\tactive\thttp://happypaws.localhost:3000\tHappy Paws\n',
    );

    const changed = await runCli(['business', 'set', 'happypaws', 'password-min-length=12', 'contact='], env);
    expect(changed.code).toBe(0);
    expect(changed.stdout).toMatch(/password-min-length +12\n/);
    expect(changed.stdout).toMatch(/contact +\(none\)\n/);
    expect(changed.stdout).toMatch(/time-zone +America\/Chicago\n/);
    expect(changed.stdout).toMatch(/slack-alerts-channel +\(none\)\n/);

    const slack = await runCli(
      [
        'business',
        'set',
        'happypaws',
        'slack-staff-user-ids=U0AAA1, U0BBB2',
        'slack-staff-channel=C0HAPPYSTAFF',
        'slack-alerts-channel=C0HAPPYALERTS',
      ],
      env,
    );
    expect(slack.code).toBe(0);
    const slackShown = (await runCli(['business', 'show', 'happypaws'], env)).stdout;
    expect(slackShown).toMatch(/slack-staff-user-ids +U0AAA1,U0BBB2\n/);
    expect(slackShown).toMatch(/slack-staff-channel +C0HAPPYSTAFF\n/);
    expect(slackShown).toMatch(/slack-alerts-channel +C0HAPPYALERTS\n/);

    const suspended = await runCli(['business', 'suspend', 'happypaws', '--reason', 'unpaid invoice'], env);
    expect(suspended.stdout).toBe('happypaws is suspended: unpaid invoice.\n');
    const shown = await runCli(['business', 'show', 'happypaws'], env);
    expect(shown.stdout).toContain('state:    suspended (unpaid invoice)');
    expect((await runCli(['business', 'reinstate', 'happypaws'], env)).stdout).toBe('happypaws is active.\n');

    const verified = await runCli(['audit', 'verify'], env);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain('The log is intact');
  });

  it('refuses bad input with one clear line and records nothing', async () => {
    const before = (await runCli(['audit', 'log'], env)).stdout;
    const cases: [string[], string][] = [
      [
        ['business', 'set', 'happypaws', 'time-zone=Mars/Olympus', 'colour=blue'],
        'latchkey: nothing was changed: time-zone: use a time zone name, like Europe/London or America/New_York; colour: not a business setting',
      ],
      [
        ['business', 'add', 'Bad_Id', '--name', 'X', '--origin', 'https://x.example'],
        'latchkey: "Bad_Id" cannot be a business id',
      ],
      [
        ['business', 'add', 'copycat', '--name', 'X', '--origin', 'http://happypaws.localhost:3000'],
        'latchkey: http://happypaws.localhost:3000 is already the address of business happypaws.',
      ],
      [
        ['business', 'add', 'plain', '--name', 'X', '--origin', 'http://plain.example'],
        'latchkey: nothing was changed: origin: use the site address clients see',
      ],
      [['business', 'show', 'nobody'], 'latchkey: there is no business nobody'],
      [
        ['business', 'set', 'happypaws', 'slack-alerts-channel=#alerts', 'slack-staff-user-ids=sam'],
        'latchkey: nothing was changed: slack-alerts-channel: use a channel id, like C0123ABCD (channel details → About); slack-staff-user-ids: use Slack member ids',
      ],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(args, env);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr.startsWith(message), result.stderr).toBe(true);
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
    expect((await runCli(['audit', 'log'], env)).stdout).toBe(before);
  });

  it('prints a Slack install link bound to the business, and refuses one while OAuth is off', async () => {
    const off = await runCli(['business', 'slack-link', 'happypaws'], env);
    expect(off.code).toBe(1);
    expect(off.stderr).toMatch(/^latchkey: Slack OAuth is off: set SLACK_CLIENT_ID/);
    const oauth = {
      ...env,
      SLACK_CLIENT_ID: '1111111111.2222222222',
      SLACK_CLIENT_SECRET: 'client-secret-0123456789abcdef',
      SLACK_SIGNING_SECRET: '0123456789abcdef0123456789abcdef',
      SLACK_STAFF_USER_IDS: 'U0A',
    };
    const linked = await runCli(['business', 'slack-link', 'happypaws'], oauth);
    expect(linked.stderr).toBe('');
    const url = new URL(linked.stdout.trim().split('\n').at(-1)!);
    expect(url.origin + url.pathname).toBe('http://localhost:3000/slack/install');
    const [payload] = url.searchParams.get('state')!.split('.');
    expect(JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'))).toMatchObject({ b: 'happypaws' });
    const unknown = await runCli(['business', 'slack-link', 'nobody'], oauth);
    expect(unknown.stderr).toBe('latchkey: There is no business nobody.\n');
  });

  it('--business acts on that business alone, before or after the command name', async () => {
    const own = mkdtempSync(join(tmpdir(), 'latchkey-cli-'));
    const ownEnv = { ...env, LATCHKEY_DATA_DIR: own };
    try {
      const csv = join(import.meta.dirname, '..', 'fixtures', 'clients-sample.csv');
      expect(
        (
          await runCli(
            [
              'business',
              'add',
              'waggingtails',
              '--name',
              'Wagging Tails',
              '--origin',
              'http://waggingtails.localhost:3000',
            ],
            ownEnv,
          )
        ).code,
      ).toBe(0);
      expect((await runCli(['--business', 'waggingtails', 'clients', 'import', csv], ownEnv)).code).toBe(0);
      expect((await runCli(['clients', 'import', csv], ownEnv)).code).toBe(0);
      const assigned = await runCli(
        ['login', 'assign', 'C1001', 'olivia.nguyen', '--business', 'waggingtails'],
        ownEnv,
      );
      expect(assigned.stdout).toBe('C1001 now signs in as olivia.nguyen.\n');
      // The same user name is free in the default business: names are unique per business.
      expect((await runCli(['login', 'assign', 'C1001', 'olivia.nguyen'], ownEnv)).stdout).toBe(
        'C1001 now signs in as olivia.nguyen.\n',
      );
      const log = (await runCli(['audit', 'log'], ownEnv)).stdout;
      expect(log).toContain('waggingtails/credential-C1001');
      expect(log).toContain('waggingtails/username-olivia.nguyen');
      // `audit log --business` prints that business's events only; without it, the whole log.
      const streamsOf = (lines: string) =>
        lines
          .trim()
          .split('\n')
          .map((line) => (JSON.parse(line) as { stream: string }).stream);
      const tails = streamsOf((await runCli(['audit', 'log', '--business', 'waggingtails'], ownEnv)).stdout);
      expect(tails).toContain('waggingtails/credential-C1001');
      expect(tails.every((stream) => stream.startsWith('waggingtails/') || stream.startsWith('business'))).toBe(true);
      const own = streamsOf((await runCli(['audit', 'log', '--business', 'default'], ownEnv)).stdout);
      expect(own).toContain('credential-C1001');
      expect(own.some((stream) => stream.startsWith('waggingtails/'))).toBe(false);
      expect(tails.length + own.length).toBe(streamsOf(log).length);
      const unknown = await runCli(['--business', 'nosuch', 'login', 'assign', 'C1002', 'liam.garcia'], ownEnv);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toBe('latchkey: there is no business nosuch; `latchkey business list` shows them\n');
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });
});
