import type { Command } from 'commander';
import type { Actor, RecordedEvent } from '../eventstore/port.ts';
import type { ChainAnchor } from '../eventstore/verify.ts';
import type { AppAccessAsOf, AppCredentialAsOf } from '../app/app-access-audit.ts';
import { fail } from './errors.ts';
import { stdout } from './output.ts';

const who = (actor: Actor) =>
  `${actor.kind} ${actor.name && actor.name !== actor.id ? `${actor.name} (${actor.id})` : actor.id}`;

const appCredentialText: Record<AppCredentialAsOf, string> = {
  password: 'her password',
  'temporary password': 'her temporary password, then choosing a password',
  'password or temporary password': 'her password, or her temporary password then choosing a password',
  none: 'nothing: no password worked then',
  disabled: 'nothing: the login was disabled',
  'not a client': 'nothing: not an active client in the directory',
};

/** "Which apps could she sign in to then, and with what", and her latest sign-in to each before then. */
function appAccessLines(access: AppAccessAsOf): string[] {
  if (access.apps.length === 0) return ['  apps: none registered for the business then'];
  const lines = [`  apps she could sign in to then, with ${appCredentialText[access.signInWith]}:`];
  for (const app of access.apps)
    lines.push(`    ${app.name} (${app.appId}), registered ${app.registeredAt} by ${who(app.registeredBy)}`);
  for (const signIn of access.lastSignIns)
    lines.push(
      `  last signed in to ${signIn.appName ?? 'an app'} (${signIn.appId}) at ${signIn.at}, by ${signIn.method}`,
    );
  return lines;
}

function collectAnchor(value: string, previous: ChainAnchor[] = []): ChainAnchor[] {
  const match = /^(\d+):([0-9a-f]{64})$/.exec(value.trim());
  if (!match) fail(`--anchor takes <position>:<sha-256 hex> as printed by audit verify, not ${value}`);
  return [...previous, { position: match[1]!, hash: match[2]! }];
}

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('read-only: print, replay and verify the log');

  audit
    .command('log')
    .description("print every event as JSON lines, in log order (with --business, that business's events only)")
    .action(async () => {
      const [{ withReadOnlyApp }, { selectedBusiness }, { defaultBusinessId }] = await Promise.all([
        import('./shared.ts'),
        import('./business-option.ts'),
        import('../domain/business.ts'),
      ]);
      const only = selectedBusiness();
      // Events recorded before businesses carry no id: they are the default business's.
      const shown = (event: RecordedEvent) =>
        only === undefined || (event.metadata.businessId ?? defaultBusinessId) === only;
      await withReadOnlyApp(async ({ deps: { store } }) => {
        // One page in memory at a time, and the next read waits until the reader has taken this one.
        for (let after: string | null = null; ;) {
          const events = await store.readAll({ after, limit: 1_000 });
          if (events.length === 0) break;
          const lines = events.filter(shown).map((e) => JSON.stringify(e));
          if (lines.length > 0) await stdout.write(lines.join('\n') + '\n');
          after = events[events.length - 1]!.position;
        }
      });
    });

  audit
    .command('client')
    .description("one client's timeline, with who did what")
    .argument('<client>', 'client id or user name')
    .action(async (idOrUserName: string) => {
      const [{ withReadOnlyApp }, { resolveClient }] = await Promise.all([
        import('./shared.ts'),
        import('../app/audit.ts'),
      ]);
      await withReadOnlyApp(async (app) => {
        const clientId = resolveClient(app.deps, idOrUserName) ?? fail(`no client or user name ${idOrUserName}`);
        const client = app.deps.readModels.clients.getClient(clientId);
        await stdout.write(`Timeline of ${clientId}${client ? ` (${client.firstName} ${client.lastName})` : ''}\n`);
        for (const entry of app.deps.readModels.timeline.clientTimeline(clientId)) {
          const details = Object.entries(entry.details).map(
            ([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`,
          );
          await stdout.write(
            `${entry.at}  #${entry.position}  ${entry.type.padEnd(26)} by ${who(entry.actor)}${details.length ? `  ${details.join(' ')}` : ''}\n`,
          );
        }
      });
    });

  audit
    .command('as-of')
    .description(
      "a client's credential state at an instant, replayed from the log, who set it, and which apps she could sign in to",
    )
    .argument('<instant>', 'ISO 8601 instant, e.g. 2026-03-03T14:00:00Z')
    .argument('<client>', 'client id or user name')
    .action(async (instantText: string, idOrUserName: string) => {
      const instant = new Date(instantText);
      if (Number.isNaN(instant.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(instantText))
        fail(`not an ISO 8601 instant: ${instantText}`);
      const [{ withReadOnlyApp }, { credentialStateAsOf, resolveClient }, { appAccessAsOf }] = await Promise.all([
        import('./shared.ts'),
        import('../app/audit.ts'),
        import('../app/app-access-audit.ts'),
      ]);
      await withReadOnlyApp(async (app) => {
        const clientId = resolveClient(app.deps, idOrUserName) ?? fail(`no client or user name ${idOrUserName}`);
        const state = await credentialStateAsOf(app.deps.store, app.deps.businessId, clientId, instant);
        const out: string[] = [`As of ${state.instant}, client ${clientId}:`];
        if (state.credential.status === 'none') out.push('  no login');
        else {
          out.push(`  login ${state.credential.login.userName}, ${state.credential.status}`);
          if (state.couldSignInWith.length === 0) out.push('  could not sign in with anything');
          for (const way of state.couldSignInWith) {
            const expiry = way.expiresAt ? `, expiring ${way.expiresAt}` : '';
            out.push(
              `  could sign in with a ${way.what.replace('_', ' ')}, set ${way.setBy.at} by ${who(way.setBy.actor)} (${way.setBy.event}${expiry})`,
            );
          }
        }
        if (state.lastChange)
          out.push(
            `  last change before then: ${state.lastChange.event} at ${state.lastChange.at} by ${who(state.lastChange.actor)}`,
          );
        out.push(...appAccessLines(await appAccessAsOf(app.deps.store, app.deps.businessId, state, instant)));
        await stdout.write(out.join('\n') + '\n');
      });
    });

  audit
    .command('verify')
    .description('recompute every link of the hash chain; exits non-zero naming the first bad event')
    .option(
      '--anchor <position:hash>',
      'a head printed by an earlier verify, which the log must still hold (repeatable)',
      collectAnchor,
    )
    .option('--deep', "also run the database's full integrity check (SQLite: every page and index)")
    .action(async (options: { anchor?: ChainAnchor[]; deep?: boolean }) => {
      const [{ withReadOnlyApp }, { verifyChain }, { checkStoreFile }] = await Promise.all([
        import('./shared.ts'),
        import('../eventstore/verify.ts'),
        import('./store-file-check.ts'),
      ]);
      await withReadOnlyApp(async ({ config, deps: { store } }) => {
        if (options.deep && !(await checkStoreFile(config.store))) {
          process.exitCode = 2;
          return;
        }
        const verdict = await verifyChain(store, {
          anchors: options.anchor ?? [],
          onProgress: (n) => process.stderr.isTTY && process.stderr.write(`\rchecked ${n} events`),
        });
        if (process.stderr.isTTY) process.stderr.write('\n');
        if (verdict.ok) {
          await stdout.write(`The log is intact: ${verdict.eventsChecked} events, every link verified.\n`);
          if (verdict.headPosition !== null) {
            await stdout.write(
              `Head: position ${verdict.headPosition}, hash ${verdict.headHash}\n` +
                `Keep this line somewhere outside the database; later, \`latchkey audit verify --anchor ${verdict.headPosition}:${verdict.headHash}\` ` +
                'also shows that nothing was cut from the end or rewritten.\n',
            );
          }
          return;
        }
        const bad = verdict.firstBad;
        const where = bad
          ? `event at position ${bad.position} (id ${bad.id}, stream ${bad.stream}, revision ${bad.revision}, ${bad.type})`
          : 'the log';
        await stdout.write(
          `TAMPERED: ${where}: ${verdict.problem}. ${verdict.eventsChecked} events before it verified.\n`,
        );
        process.exitCode = 2;
      });
    });

  audit
    .command('rebuild')
    .description('replay the whole log into fresh read models')
    .option('--check', 'compare the rebuilt read models with the live ones')
    .action(async (options: { check?: boolean }) => {
      if (!options.check) {
        fail(
          'say --check to compare a fresh replay with the live read models. To replace them, stop Latchkey and delete the read-models file: it is rebuilt from the log at the next start.',
        );
      }
      const [{ withApp }, { rebuildAndCompare }] = await Promise.all([
        import('./shared.ts'),
        import('../app/audit.ts'),
      ]);
      await withApp(async (app) => {
        const report = await rebuildAndCompare(app.deps.store, app.deps.readModels);
        if (report.equal) {
          await stdout.write(`Rebuilt from ${report.eventsReplayed} events: the read models equal the live ones.\n`);
          return;
        }
        await stdout.write(`Rebuilt from ${report.eventsReplayed} events: DIFFERENCES found:\n`);
        for (const d of report.differences)
          await stdout.write(`  ${d.table}\n    live:    ${d.live}\n    rebuilt: ${d.rebuilt}\n`);
        process.exitCode = 2;
      });
    });
}
