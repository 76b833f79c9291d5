import type { Config } from '../config.ts';
import type { ClientDetails } from '../domain/client.ts';
import { forBusiness } from './business-scope.ts';
import { noSlackSettings } from '../domain/business-settings.ts';
import { changeBusinessSettings, defaultBusinessSettings, registerBusiness } from './businesses.ts';
import type { AppDeps, Requester } from './deps.ts';
import { importClients } from './directory.ts';
import { issueTempPassword } from './logins.ts';
import { provisionAll } from './provision.ts';

const firstNames = [
  'Olivia',
  'Liam',
  'Emma',
  'Noah',
  'Ava',
  'Mason',
  'Sophia',
  'Lucas',
  'Mia',
  'Ethan',
  'Amelia',
  'Logan',
  'Harper',
  'James',
  'Zoë',
  'Benjamin',
  'Abigail',
  'Elijah',
  'Emily',
  'Henry',
  'Ella',
  'Jack',
  'Grace',
  'Owen',
  'Chloe',
];
const lastNames = [
  'Nguyen',
  'Garcia',
  'Smith',
  'Johnson',
  'Brown',
  'Miller',
  'Davis',
  'Martinez',
  'Lopez',
  'Wilson',
  'Anderson',
  'Thomas',
  'Taylor',
  'Moore',
  "O'Neil-Jackson",
  'Martin',
  'Lee',
  'Perez',
  'White',
  'Harris',
  'Clark',
  'Lewis',
  'Walker',
  'Hall',
  'Young',
];

/** A demo business of 25 clients: one without an email, one inactive, a couple sharing an inbox. */
export function demoClients(): { clientId: string; details: ClientDetails }[] {
  return firstNames.map((firstName, i) => {
    const lastName = lastNames[i]!;
    const local = `${firstName}.${lastName}`
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .replace(/[^A-Za-z.-]/g, '')
      .toLowerCase();
    const email = i === 8 ? null : i === 12 ? 'logan.thomas@example.com' : `${local}@example.com`;
    return { clientId: `D${1001 + i}`, details: { firstName, lastName, email, altEmail: null, active: i !== 6 } };
  });
}

export interface DemoLogin {
  readonly userName: string;
  readonly password: string;
  readonly expiresAt: string;
  readonly clients: number;
}

/**
 * Imports `clients` into the business `deps` acts as (idempotently: running it twice adds
 * nothing), gives everyone with an email a login, and issues one temporary password for the first.
 */
async function seedClients(
  deps: AppDeps,
  clients: { clientId: string; details: ClientDetails }[],
  requester: Requester,
): Promise<DemoLogin> {
  const rows = clients.map((client, i) => ({
    line: i + 2,
    clientId: client.clientId,
    details: client.details,
    errors: [],
    warnings: [],
  }));
  await importClients(deps, { rows, fileError: null }, { dryRun: false }, { ...requester, commandId: 'demo' });
  await provisionAll(deps, { sendEmail: false }, requester);
  const first = clients[0]!.clientId;
  const issued = await issueTempPassword(deps, { clientId: first, delivery: 'shown_to_staff' }, requester);
  if (!issued.ok) throw new Error(`the demo could not issue a temporary password: ${issued.error.message}`);
  return { ...issued.value, clients: rows.length };
}

/**
 * Seeds the demo business (idempotently: running it twice adds nothing), gives everyone with an
 * email a login, and issues one temporary password so a newcomer can sign in at once.
 */
export async function seedDemo(deps: AppDeps, requester: Requester): Promise<DemoLogin> {
  return seedClients(deps, demoClients(), requester);
}

/** The two demo businesses beside the default one; their clients reuse the ids D1001… */
export const demoBusinesses = [
  { businessId: 'happypaws', name: 'Happy Paws', host: 'happypaws.localhost', from: 0, count: 12 },
  { businessId: 'waggingtails', name: 'Wagging Tails', host: 'waggingtails.localhost', from: 12, count: 13 },
] as const;

export interface DemoBusiness extends DemoLogin {
  readonly businessId: string;
  readonly name: string;
  readonly origin: string;
}

/** A demo business's origin: its `*.localhost` name on the port the site listens on. */
export function demoOrigin(host: string, config: Pick<Config, 'port'>): string {
  return `http://${host}:${config.port}`;
}

/**
 * Registers Happy Paws and Wagging Tails on their `*.localhost` origins (or moves them to this
 * port's origin when they exist already), seeds each with its own clients and issues one
 * temporary password in each. Running it again adds no business and no client.
 */
export async function seedDemoBusinesses(deps: AppDeps, config: Config, requester: Requester): Promise<DemoBusiness[]> {
  const defaults = defaultBusinessSettings(config);
  const seeded: DemoBusiness[] = [];
  for (const business of demoBusinesses) {
    const origin = demoOrigin(business.host, config);
    const recorded = deps.readModels.businesses.getBusiness(business.businessId);
    const result = !recorded
      ? await registerBusiness(
          deps,
          {
            businessId: business.businessId,
            settings: {
              ...defaults,
              name: business.name,
              publicOrigin: origin,
              logoUrl: null,
              contact: null,
              mailFrom: null,
              mailReplyTo: null,
              // A demo business has staff of its own, not the default business's.
              ...noSlackSettings,
            },
          },
          defaults,
          requester,
        )
      : recorded.settings.publicOrigin === origin
        ? null
        : await changeBusinessSettings(deps, business.businessId, { publicOrigin: origin }, defaults, requester);
    if (result && !result.ok)
      throw new Error(`the demo could not set up ${business.businessId}: ${result.error.message}`);
    const clients = demoClients()
      .slice(business.from, business.from + business.count)
      .map((client, i) => ({ ...client, clientId: `D${1001 + i}` }));
    const login = await seedClients(forBusiness(deps, business.businessId), clients, requester);
    seeded.push({ ...login, businessId: business.businessId, name: business.name, origin });
  }
  return seeded;
}
