import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { forBusiness } from '../../src/app/business-scope.ts';
import { defaultBusinessSettings, registerBusiness } from '../../src/app/businesses.ts';
import type { AppDeps } from '../../src/app/deps.ts';
import { assignLogin, requestCredentialsEmail } from '../../src/app/logins.ts';
import { credentialStream } from '../../src/domain/credential/events.ts';
import { mailStream } from '../../src/domain/mail.ts';
import { createMailgunTransport } from '../../src/mail/mailgun.ts';
import { createHttpApp } from '../../src/http/app.ts';
import { startMailRelay } from '../../src/mail/relay.ts';
import { registerClients, staff, type TestApp } from '../support/app.ts';
import { mailgunWebhookBody, startFakeMailgun, type FakeMailgun } from './fake-mailgun.ts';
import { clients, createMailTestApp, mailEnv, publicOrigin, tempPasswordIn } from './support.ts';

const brightTails = {
  name: 'Bright Tails Dog Walking',
  publicOrigin: 'https://login.brighttails.example',
  mailFrom: 'Bright Tails <hello@mg.brighttails.example>',
  mailReplyTo: 'office@brighttails.example',
  mailgunDomain: 'mg.brighttails.example',
};

describe('mail per business', () => {
  let app: TestApp;
  let fake: FakeMailgun;

  beforeEach(async () => {
    app = await createMailTestApp();
    fake = await startFakeMailgun({ domains: ['mg.happypaws.example', brightTails.mailgunDomain] });
    const defaults = defaultBusinessSettings(app.config);
    const registered = await registerBusiness(
      app.deps,
      { businessId: 'brighttails', settings: { ...defaults, ...brightTails } },
      defaults,
      { actor: staff },
    );
    if (!registered.ok) throw new Error(registered.error.message);
  });
  afterEach(async () => {
    await fake.close();
    await app.dispose();
  });

  /** The business's own clients: the default business's ids, each with an address of its own. */
  async function seedBusiness(businessId: string): Promise<AppDeps> {
    const deps = forBusiness(app.deps, businessId);
    const own = clients.map((client) => ({ ...client, email: client.email.replace('@', `+${businessId}@`) }));
    await registerClients({ ...app, deps }, own);
    for (const client of own) {
      const assigned = await assignLogin(deps, { clientId: client.clientId, userName: client.email }, { actor: staff });
      if (!assigned.ok) throw new Error(assigned.error.message);
    }
    return deps;
  }

  /** A request no command could record: its business is not registered here. */
  async function requestForUnknownBusiness(businessId: string, clientId: string): Promise<void> {
    const metadata = {
      actor: staff,
      commandId: `request-${businessId}-${clientId}`,
      at: app.clock.now().toISOString(),
      businessId,
    };
    await app.deps.store.append(
      credentialStream(businessId, clientId),
      [
        {
          id: `request-${businessId}-${clientId}`,
          type: 'CredentialsEmailRequested',
          data: { clientId, requestId: `r-${clientId}` },
          metadata,
        },
      ],
      { expected: 'any' },
    );
  }

  async function runRelayOnce(): Promise<void> {
    const transport = createMailgunTransport({
      apiKey: 'key-test-123456',
      domain: 'mg.happypaws.example',
      url: fake.url,
      from: app.config.mail.from,
      replyTo: null,
    });
    const relay = startMailRelay(app, transport, { pollIntervalMs: 20 });
    await relay.drain();
    await relay.stop();
    await app.deps.projections.catchUp();
  }
  const messageTo = (address: string) => {
    const found = fake.messages.filter((message) => message.to === address);
    expect(found).toHaveLength(1);
    return found[0]!;
  };

  it("sends a business's request on its Mailgun domain, from its address, with links on its origin", async () => {
    const bright = await seedBusiness('brighttails');
    await requestCredentialsEmail(bright, { clientId: 'C-1' }, { actor: staff });
    await requestCredentialsEmail(app.deps, { clientId: 'C-2' }, { actor: staff });
    await runRelayOnce();

    const brightMail = messageTo('olivia.nguyen+brighttails@example.com');
    expect(brightMail.path).toBe(`/v3/${brightTails.mailgunDomain}/messages`);
    expect(brightMail.fields.get('from')).toEqual([brightTails.mailFrom]);
    expect(brightMail.fields.get('h:Reply-To')).toEqual([brightTails.mailReplyTo]);
    expect(brightMail.text).toContain(
      `${brightTails.publicOrigin}/login?username=olivia.nguyen%2Bbrighttails%40example.com`,
    );
    expect(brightMail.text).toContain(brightTails.name);
    expect(brightMail.text).not.toContain(publicOrigin);
    expect(brightMail.html).toContain(`${brightTails.publicOrigin}/forgot-password`);
    expect(tempPasswordIn(brightMail.text)).not.toBe('');

    const happy = messageTo('marcus.bell@example.com');
    expect(happy.path).toBe('/v3/mg.happypaws.example/messages');
    expect(happy.fields.get('from')).toEqual([app.config.mail.from]);
    expect(happy.text).toContain(`${publicOrigin}/login`);
    expect(happy.text).not.toContain(brightTails.publicOrigin);
  });

  it("a delivery report lands on the business that sent the email, and names no other business's client", async () => {
    const bright = await seedBusiness('brighttails');
    await requestCredentialsEmail(bright, { clientId: 'C-1' }, { actor: staff });
    await runRelayOnce();
    const sent = messageTo('olivia.nguyen+brighttails@example.com');
    expect(sent.variables).toMatchObject({ 'business-id': 'brighttails', 'client-id': 'C-1' });
    const http = createHttpApp(app);
    const report = (variables: Record<string, unknown>) =>
      http.request('/webhooks/mailgun', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(
          mailgunWebhookBody(
            mailEnv.MAILGUN_WEBHOOK_SIGNING_KEY,
            { event: 'delivered', message: { headers: { 'message-id': sent.messageId } }, 'user-variables': variables },
            { timestamp: Math.floor(app.clock.now().getTime() / 1000) },
          ),
        ),
      });
    const typesOn = async (stream: string) => (await app.deps.store.readStream(stream)).map((event) => event.type);

    // The same client id in the default business sent no such message: nothing is recorded there.
    expect((await report({ 'client-id': 'C-1' })).status).toBe(406);
    expect((await report({ 'business-id': 'nosuchbusiness', 'client-id': 'C-1' })).status).toBe(406);
    expect(await typesOn(mailStream('default', 'C-1'))).not.toContain('EmailDelivered');

    expect((await report({ 'business-id': 'brighttails', 'client-id': 'C-1' })).status).toBe(200);
    expect(await typesOn(mailStream('brighttails', 'C-1'))).toEqual(['EmailSent', 'EmailDelivered']);
  });

  it("a business with no mail settings of its own sends with the deployment's From and domain", async () => {
    const defaults = defaultBusinessSettings(app.config);
    const registered = await registerBusiness(
      app.deps,
      {
        businessId: 'quietpaws',
        settings: {
          ...defaults,
          name: 'Quiet Paws',
          publicOrigin: 'https://login.quietpaws.example',
          mailFrom: null,
          mailReplyTo: null,
          mailgunDomain: null,
        },
      },
      defaults,
      { actor: staff },
    );
    if (!registered.ok) throw new Error(registered.error.message);
    const quiet = await seedBusiness('quietpaws');
    await requestCredentialsEmail(quiet, { clientId: 'C-3' }, { actor: staff });
    await runRelayOnce();

    const quietMail = messageTo('priya.shah+quietpaws@example.com');
    expect(quietMail.path).toBe('/v3/mg.happypaws.example/messages');
    expect(quietMail.fields.get('from')).toEqual([app.config.mail.from]);
    expect(quietMail.text).toContain('https://login.quietpaws.example/login');
    expect(quietMail.text).toContain('Quiet Paws');
  });

  it('a request for a business this deployment does not know is recorded as not sent, and nothing is minted', async () => {
    await requestForUnknownBusiness('nosuchbusiness', 'C-1');
    await runRelayOnce();

    expect(fake.messages).toEqual([]);
    const recorded = await app.deps.store.readStream(mailStream('nosuchbusiness', 'C-1'));
    expect(recorded.map(({ type, data }) => ({ type, data }))).toMatchObject([
      { type: 'EmailSendFailed', data: { permanent: true, reason: expect.stringContaining('nosuchbusiness') } },
    ]);
    const issued = (await app.deps.store.readStream(credentialStream('nosuchbusiness', 'C-1'))).filter(
      (event) => event.type === 'TempPasswordIssued',
    );
    expect(issued).toEqual([]);
  });
});
