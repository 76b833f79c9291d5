import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultBusinessSettings, registerBusiness } from '../../src/app/businesses.ts';
import { requestCredentialsEmail } from '../../src/app/logins.ts';
import { createMailgunTransport } from '../../src/mail/mailgun.ts';
import { startMailRelay } from '../../src/mail/relay.ts';
import { staff, type TestApp } from '../support/app.ts';
import { startFakeMailgun, type FakeMailgun } from './fake-mailgun.ts';
import { createMailTestApp, mailEvents, publicOrigin, tempPasswordIn } from './support.ts';

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

  /** A credentials request recorded for a business, as the tenancy spine records it: the id in the metadata. */
  async function requestCredentialsFor(businessId: string, clientId: string): Promise<void> {
    const metadata = {
      actor: staff,
      commandId: `request-${businessId}-${clientId}`,
      at: app.clock.now().toISOString(),
      businessId,
    };
    await app.deps.store.append(
      `credential-${clientId}`,
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
    await requestCredentialsFor('brighttails', 'C-1');
    await requestCredentialsEmail(app.deps, { clientId: 'C-2' }, { actor: staff });
    await runRelayOnce();

    const bright = messageTo('olivia.nguyen@example.com');
    expect(bright.path).toBe(`/v3/${brightTails.mailgunDomain}/messages`);
    expect(bright.fields.get('from')).toEqual([brightTails.mailFrom]);
    expect(bright.fields.get('h:Reply-To')).toEqual([brightTails.mailReplyTo]);
    expect(bright.text).toContain(`${brightTails.publicOrigin}/login?username=olivia.nguyen%40example.com`);
    expect(bright.text).toContain(brightTails.name);
    expect(bright.text).not.toContain(publicOrigin);
    expect(bright.html).toContain(`${brightTails.publicOrigin}/forgot-password`);
    expect(tempPasswordIn(bright.text)).not.toBe('');

    const happy = messageTo('marcus.bell@example.com');
    expect(happy.path).toBe('/v3/mg.happypaws.example/messages');
    expect(happy.fields.get('from')).toEqual([app.config.mail.from]);
    expect(happy.text).toContain(`${publicOrigin}/login`);
    expect(happy.text).not.toContain(brightTails.publicOrigin);
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
    await requestCredentialsFor('quietpaws', 'C-3');
    await runRelayOnce();

    const quiet = messageTo('priya.shah@example.com');
    expect(quiet.path).toBe('/v3/mg.happypaws.example/messages');
    expect(quiet.fields.get('from')).toEqual([app.config.mail.from]);
    expect(quiet.text).toContain('https://login.quietpaws.example/login');
    expect(quiet.text).toContain('Quiet Paws');
  });

  it('a request for a business this deployment does not know is recorded as not sent, and nothing is minted', async () => {
    await requestCredentialsFor('nosuchbusiness', 'C-1');
    await runRelayOnce();

    expect(fake.messages).toEqual([]);
    expect(await mailEvents(app.deps.store, 'C-1')).toMatchObject([
      { type: 'EmailSendFailed', data: { permanent: true, reason: expect.stringContaining('nosuchbusiness') } },
    ]);
    const issued = (await app.deps.store.readStream('credential-C-1')).filter(
      (event) => event.type === 'TempPasswordIssued',
    );
    expect(issued).toEqual([]);
  });
});
