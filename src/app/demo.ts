import type { ClientDetails } from '../domain/client.ts';
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

/**
 * Seeds the demo business (idempotently: running it twice adds nothing), gives everyone with an
 * email a login, and issues one temporary password so a newcomer can sign in at once.
 */
export async function seedDemo(
  deps: AppDeps,
  requester: Requester,
): Promise<{ userName: string; password: string; expiresAt: string; clients: number }> {
  const rows = demoClients().map((client, i) => ({
    line: i + 2,
    clientId: client.clientId,
    details: client.details,
    errors: [],
    warnings: [],
  }));
  await importClients(deps, { rows, fileError: null }, { dryRun: false }, { ...requester, commandId: 'demo' });
  await provisionAll(deps, { sendEmail: false }, requester);
  const issued = await issueTempPassword(deps, { clientId: 'D1001', delivery: 'shown_to_staff' }, requester);
  if (!issued.ok) throw new Error(`the demo could not issue a temporary password: ${issued.error.message}`);
  return { ...issued.value, clients: rows.length };
}
