import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { assignLogin } from '../../src/app/logins.ts';
import { listOutbox, readOutboxMessage } from '../../src/mail/outbox.ts';
import type { EventStore } from '../../src/eventstore/port.ts';
import { createTestApp, registerClients, staff, type TestApp } from '../support/app.ts';

export const publicOrigin = 'https://portal.happypaws.example';

export const mailEnv = {
  PUBLIC_ORIGIN: publicOrigin,
  BUSINESS_NAME: 'Happy Paws Pet Sitting',
  BUSINESS_CONTACT: 'call 555-0100 or write to office@happypaws.example',
  MAILGUN_WEBHOOK_SIGNING_KEY: 'whsec-test-signing-key-0123456789',
};

export const clients = [
  { clientId: 'C-1', firstName: 'Olivia', lastName: 'Nguyen', email: 'olivia.nguyen@example.com' },
  { clientId: 'C-2', firstName: 'Marcus', lastName: 'Bell', email: 'marcus.bell@example.com' },
  { clientId: 'C-3', firstName: 'Priya', lastName: 'Shah', email: 'priya.shah@example.com' },
];

/** A real app with three clients who each have a login (user name = email). */
export async function createMailTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const app = await createTestApp({ ...mailEnv, ...env });
  await registerClients(app, clients);
  for (const client of clients) {
    const assigned = await assignLogin(
      app.deps,
      { clientId: client.clientId, userName: client.email },
      { actor: staff },
    );
    if (!assigned.ok) throw new Error(assigned.error.message);
  }
  return app;
}

/** Every message in the dev outbox, oldest first, with both parts. */
export function outboxMessages(app: TestApp) {
  return listOutbox(app.config.mail.outboxDir)
    .reverse()
    .map((entry) => readOutboxMessage(app.config.mail.outboxDir, entry.id)!);
}

export function tempPasswordIn(text: string): string {
  const match = /Temporary password:\s+(\S+)/.exec(text);
  if (!match) throw new Error(`no temporary password in:\n${text}`);
  return match[1]!;
}

/** Files under `dir` (recursively) whose bytes contain `secret`, leaving out the outbox's .eml messages (the stand-in inbox). */
export function filesHolding(dir: string, secret: string): string[] {
  const needle = Buffer.from(secret, 'utf8');
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...filesHolding(path, secret));
    else if (!name.endsWith('.eml') && readFileSync(path).includes(needle)) found.push(path);
  }
  return found;
}

export async function everyEventAsJson(store: EventStore): Promise<string> {
  return JSON.stringify(await store.readAll({ after: null, limit: 1_000_000 }));
}

export async function mailEvents(store: EventStore, clientId: string) {
  return (await store.readStream(`mail-${clientId}`)).map((event) => ({
    type: event.type,
    data: event.data as Record<string, unknown>,
  }));
}
