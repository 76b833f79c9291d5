import type { Command } from 'commander';
import type { BusinessListing } from '../app/businesses.ts';
import {
  businessSettingKeys,
  type BusinessSettingName,
  type BusinessSettings,
  type SettingsParse,
} from '../domain/business-settings.ts';
import { fail } from './errors.ts';
import { stdout } from './output.ts';

/** What every business action needs, loaded when one runs rather than for `--help`. */
async function loadBusinessActions() {
  const [businesses, settings, shared] = await Promise.all([
    import('../app/businesses.ts'),
    import('../domain/business-settings.ts'),
    import('./shared.ts'),
  ]);
  return { ...businesses, ...settings, ...shared };
}

function settingsFrom(parse: (assignments: readonly string[]) => SettingsParse, assignments: readonly string[]) {
  const parsed = parse(assignments);
  if (!parsed.ok) fail(`nothing was changed: ${parsed.errors.join('; ')}`);
  return parsed.changes;
}

export function registerBusinessCommands(program: Command): void {
  const business = program
    .command('business')
    .description('the businesses this deployment hosts, and the settings each records for itself');

  business
    .command('add')
    .description('add a business: its id (a slug, like happypaws), name and the address its clients open')
    .argument('<id>', 'the business id: lower-case letters, digits and dashes')
    .requiredOption('--name <name>', 'the name clients and staff see')
    .requiredOption('--origin <url>', 'the site address its clients open, like https://login.happypaws.example')
    .argument('[settings...]', 'more settings as key=value (see `business show`)')
    .action(async (businessId: string, assignments: string[], options: { name: string; origin: string }) => {
      const actions = await loadBusinessActions();
      const changes = settingsFrom(actions.parseSettingAssignments, [
        `name=${options.name}`,
        `origin=${options.origin}`,
        ...assignments,
      ]);
      await actions.withApp(async (app) => {
        const defaults = actions.defaultBusinessSettings(app.config);
        // A new business starts with the deployment's rules and none of the first business's branding,
        // sender or Slack staff (those are people of another workspace).
        const settings: BusinessSettings = {
          ...defaults,
          logoUrl: null,
          contact: null,
          mailFrom: null,
          mailReplyTo: null,
          ...actions.noSlackSettings,
          ...changes,
        };
        const added = await actions.registerBusiness(app.deps, { businessId, settings }, defaults, {
          actor: actions.cliActor(),
        });
        if (!added.ok) fail(added.error.message);
        await stdout.write(
          `Added ${businessId} (${added.value.settings.name}) at ${added.value.settings.publicOrigin}.\n`,
        );
      });
    });

  business
    .command('list')
    .description('every business, with its address and state')
    .action(async () => {
      const actions = await loadBusinessActions();
      await actions.withApp(async (app) => {
        const listed = actions.listBusinesses(app.deps, actions.defaultBusinessSettings(app.config));
        for (const entry of listed) {
          const state = entry.suspended ? 'suspended' : 'active';
          await stdout.write(`${entry.businessId}\t${state}\t${entry.settings.publicOrigin}\t${entry.settings.name}\n`);
        }
      });
    });

  business
    .command('show')
    .description('one business and every setting it records')
    .argument('<id>', 'the business id')
    .action(async (businessId: string) => {
      const actions = await loadBusinessActions();
      await actions.withApp(async (app) => {
        const found = actions.findBusiness(app.deps, businessId, actions.defaultBusinessSettings(app.config));
        if (!found) fail(`there is no business ${businessId} (see \`latchkey business list\`)`);
        await stdout.write(describeBusiness(found));
      });
    });

  business
    .command('set')
    .description('change settings of a business; only what differs is recorded')
    .argument('<id>', 'the business id')
    .argument('<settings...>', 'key=value pairs; an empty value clears an optional setting')
    .action(async (businessId: string, assignments: string[]) => {
      const actions = await loadBusinessActions();
      const changes = settingsFrom(actions.parseSettingAssignments, assignments);
      await actions.withApp(async (app) => {
        const changed = await actions.changeBusinessSettings(
          app.deps,
          businessId,
          changes,
          actions.defaultBusinessSettings(app.config),
          { actor: actions.cliActor() },
        );
        if (!changed.ok) fail(changed.error.message);
        await stdout.write(describeBusiness(changed.value));
      });
    });

  business
    .command('suspend')
    .description('suspend a business: its clients cannot log in; nothing is deleted')
    .argument('<id>', 'the business id')
    .requiredOption('--reason <text>', 'why, for the record')
    .action(async (businessId: string, options: { reason: string }) => {
      const actions = await loadBusinessActions();
      await actions.withApp(async (app) => {
        const suspended = await actions.setBusinessSuspended(
          app.deps,
          businessId,
          { suspended: true, reason: options.reason },
          actions.defaultBusinessSettings(app.config),
          { actor: actions.cliActor() },
        );
        if (!suspended.ok) fail(suspended.error.message);
        await stdout.write(`${businessId} is suspended: ${suspended.value.suspendedFor}.\n`);
      });
    });

  business
    .command('reinstate')
    .description('lift a suspension')
    .argument('<id>', 'the business id')
    .action(async (businessId: string) => {
      const actions = await loadBusinessActions();
      await actions.withApp(async (app) => {
        const reinstated = await actions.setBusinessSuspended(
          app.deps,
          businessId,
          { suspended: false },
          actions.defaultBusinessSettings(app.config),
          { actor: actions.cliActor() },
        );
        if (!reinstated.ok) fail(reinstated.error.message);
        await stdout.write(`${businessId} is active.\n`);
      });
    });

  business
    .command('slack-link')
    .description("print the link that installs the Slack app into this business's workspace (30 minutes, once)")
    .argument('<id>', 'the business id')
    .action(async (businessId: string) => {
      const actions = await loadBusinessActions();
      const { makeSlackInstallLink } = await import('../slack/oauth/install-link.ts');
      await actions.withApp(async (app) => {
        const link = await makeSlackInstallLink(app, businessId);
        if (!link.ok) fail(link.error.message);
        await stdout.write(
          `Open this link as an admin of ${businessId}'s Slack workspace before ${link.value.expiresAt.toISOString()}; it works once:\n${link.value.url}\n`,
        );
      });
    });
}

function describeBusiness(business: BusinessListing): string {
  const lines = [
    `business: ${business.businessId}`,
    `state:    ${business.suspended ? `suspended (${business.suspendedFor})` : 'active'}`,
    `source:   ${business.source === 'log' ? 'recorded in the log' : 'the environment (nothing recorded yet)'}`,
  ];
  const width = Math.max(...Object.values(businessSettingKeys).map((key) => key.length));
  for (const [name, key] of Object.entries(businessSettingKeys) as [BusinessSettingName, string][]) {
    const value = business.settings[name];
    const shown = value === null ? '(none)' : Array.isArray(value) ? value.join(',') : String(value);
    lines.push(`  ${key.padEnd(width)}  ${shown}`);
  }
  return `${lines.join('\n')}\n`;
}
