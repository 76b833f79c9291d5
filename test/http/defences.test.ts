import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import {
  createSite,
  eventTypes,
  giveLogin,
  givePermanentPassword,
  origin,
  strongPassword,
  type Site,
} from './support.ts';

let site: Site;
afterEach(async () => site?.dispose());

const stateChanging = [
  '/login',
  '/logout',
  '/choose-password',
  '/account/password',
  '/account/logout-everywhere',
  '/forgot-password',
  '/forgot-username',
  '/reset/x',
];
const form = { 'content-type': 'application/x-www-form-urlencoded' };
const withSocket = (remoteAddress: string) => ({ incoming: { socket: { remoteAddress } } });

describe('CSRF', () => {
  it('refuses every state-changing route without a same-origin Origin or Sec-Fetch-Site', async () => {
    site = await createSite();
    for (const path of stateChanging) {
      for (const headers of [
        {},
        { origin: 'https://evil.example' },
        { 'sec-fetch-site': 'cross-site' },
        { origin: 'null' },
      ] as Record<string, string>[]) {
        const response = await site.http.request(path, {
          method: 'POST',
          headers: { ...form, ...headers },
          body: 'username=a&password=b',
        });
        expect({ path, headers, status: response.status }).toEqual({ path, headers, status: 403 });
      }
    }
    expect(await eventTypes(site.app)).not.toContain('UnknownUserNameLoginFailed');
  });

  it('refuses a cross-site JSON POST to /logout and /account/logout-everywhere: the session lives on', async () => {
    site = await createSite();
    await giveLogin(site.app, 'C1', 'olivia');
    await givePermanentPassword(site.app, 'C1', 'olivia', strongPassword);
    const client = site.client();
    await client.post('/login', { username: 'olivia', password: strongPassword });
    for (const path of ['/logout', '/account/logout-everywhere']) {
      for (const headers of [
        { origin: 'https://evil.example' },
        { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
        { 'sec-fetch-site': 'same-site', origin: 'https://sub.localhost:3000' },
        {},
      ] as Record<string, string>[]) {
        const response = await site.http.request(path, {
          method: 'POST',
          headers: { cookie: `__Host-latchkey=${client.cookie}`, 'content-type': 'application/json', ...headers },
          body: '{}',
        });
        expect({ path, headers, status: response.status }).toEqual({ path, headers, status: 403 });
      }
    }
    expect((await client.get('/account')).status).toBe(200);
    expect(await eventTypes(site.app)).not.toContain('SessionsRevoked');
    expect(await eventTypes(site.app)).not.toContain('SessionEnded');
  });

  it('refuses a state-changing request of any method or content type from another origin', async () => {
    site = await createSite();
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'])
      for (const contentType of ['application/json', 'application/octet-stream', 'text/xml', ''])
        expect(
          (
            await site.http.request('/login', {
              method,
              headers: { origin: 'https://evil.example', ...(contentType ? { 'content-type': contentType } : {}) },
              body: 'username=a&password=b',
            })
          ).status,
        ).toBe(403);
  });

  it('accepts PUBLIC_ORIGIN even when the request reached us at an internal address', async () => {
    site = await createSite({ PUBLIC_ORIGIN: 'https://login.example.com' });
    const response = await site.http.request('http://10.0.0.7:3000/login', {
      method: 'POST',
      headers: { ...form, origin: 'https://login.example.com' },
      body: 'username=nobody&password=whatever',
    });
    expect(response.status).toBe(422);
  });

  it('accepts a browser that says Sec-Fetch-Site: same-origin', async () => {
    site = await createSite();
    const response = await site.http.request('/login', {
      method: 'POST',
      headers: { ...form, 'sec-fetch-site': 'same-origin' },
      body: 'username=nobody&password=x',
    });
    expect(response.status).toBe(422);
  });

  it('leaves /slack/* and /webhooks/* to their own signatures', async () => {
    site = await createSite();
    site.http.post('/slack/events', (c) => c.text('slack'));
    site.http.post('/webhooks/mailgun', (c) => c.text('mailgun'));
    for (const path of ['/slack/events', '/webhooks/mailgun']) {
      const response = await site.http.request(path, {
        method: 'POST',
        headers: { ...form, origin: 'https://evil.example' },
        body: 'x=1',
      });
      expect(response.status).toBe(200);
      // The pages' own policy (which allows our scripts) is not applied; every answer still gets the baseline one.
      expect(response.headers.get('content-security-policy')).not.toContain('script-src');
    }
  });
});

describe('secure headers', () => {
  it('every page carries a CSP that allows only our own scripts and styles, and nothing inline', async () => {
    site = await createSite();
    for (const path of [
      '/login',
      '/forgot-password',
      '/forgot-password/sent',
      '/forgot-username',
      '/forgot-username/sent',
      '/reset/nonsense',
    ]) {
      const response = await site.client().get(path);
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(await response.text()).not.toMatch(/style=|<style|<script(?![^>]*\ssrc=)/);
    }
  });

  it('a refused request still carries them', async () => {
    site = await createSite();
    const response = await site.http.request('/login', { method: 'POST', headers: form, body: 'username=a' });
    expect(response.status).toBe(403);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
  });
});

describe('body limit', () => {
  it('answers 413 to a form over 16 KiB before reading it', async () => {
    site = await createSite();
    const response = await site.client().post('/login', { username: 'olivia', password: 'x'.repeat(17 * 1024) });
    expect(response.status).toBe(413);
    expect(await eventTypes(site.app)).not.toContain('UnknownUserNameLoginFailed');
  });

  it('a body that does not parse as a form reads as an empty form: 422, nothing recorded', async () => {
    site = await createSite();
    const response = await site.http.request('/login', {
      method: 'POST',
      headers: { origin, 'content-type': 'multipart/form-data; boundary=expected' },
      body: '--something-else\r\ngarbage',
    });
    expect(response.status).toBe(422);
    expect(await response.text()).toContain('Enter your user name');
    expect(await eventTypes(site.app)).not.toContain('UnknownUserNameLoginFailed');
  });
});

describe('per-IP limit', () => {
  it('refuses the posts over IP_RATE_LIMIT_PER_MINUTE with 429 and Retry-After, and refills over the minute', async () => {
    site = await createSite({ IP_RATE_LIMIT_PER_MINUTE: '3' });
    const client = site.client(withSocket('203.0.113.9'));
    for (let i = 0; i < 3; i++)
      expect((await client.post('/forgot-username', { email: 'a@example.com' })).status).toBe(303);
    const limited = await client.post('/login', { username: 'olivia', password: 'x' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('20');
    expect((await client.get('/login')).status).toBe(200);
    expect(
      (await site.client(withSocket('203.0.113.10')).post('/forgot-username', { email: 'a@example.com' })).status,
    ).toBe(303);
    site.app.clock.advance(20_000);
    expect((await client.post('/forgot-username', { email: 'a@example.com' })).status).toBe(303);
  });

  it('ignores X-Forwarded-For unless the peer is a TRUSTED_PROXY', async () => {
    site = await createSite({ IP_RATE_LIMIT_PER_MINUTE: '1' });
    const spoofer = site.client(withSocket('203.0.113.9'));
    expect(
      (await spoofer.post('/forgot-username', { email: 'a@example.com' }, { 'x-forwarded-for': '198.51.100.1' }))
        .status,
    ).toBe(303);
    expect(
      (await spoofer.post('/forgot-username', { email: 'a@example.com' }, { 'x-forwarded-for': '198.51.100.2' }))
        .status,
    ).toBe(429);
  });

  it('behind a TRUSTED_PROXY, limits each forwarded client on its own and cannot be fooled by a forged left-hand entry', async () => {
    site = await createSite({ IP_RATE_LIMIT_PER_MINUTE: '1', TRUSTED_PROXY: '10.0.0.0/8' });
    const proxy = site.client(withSocket('::ffff:10.0.0.2'));
    const post = (forwardedFor: string) =>
      proxy.post('/forgot-username', { email: 'a@example.com' }, { 'x-forwarded-for': forwardedFor });
    expect((await post('198.51.100.1')).status).toBe(303);
    expect((await post('198.51.100.2')).status).toBe(303);
    expect((await post('198.51.100.1')).status).toBe(429);
    expect((await post('192.0.2.77, 198.51.100.1, 10.0.0.3')).status).toBe(429);
  });
});

describe('hashing overload', () => {
  it('answers 503 with Retry-After when the hashing queue is full, and records nothing', async () => {
    site = await createSite(
      { HASHING_MAX_CONCURRENT: '1', HASHING_MAX_QUEUED: '1' },
      { scryptParams: { N: 2 ** 16, r: 8, p: 1 } },
    );
    await giveLogin(site.app, 'C1', 'olivia');
    await givePermanentPassword(site.app, 'C1', 'olivia', strongPassword);
    const before = (await eventTypes(site.app)).length;
    const occupying = [site.app.deps.passwords.hash('one'), site.app.deps.passwords.hash('two')];
    const response = await site.client().post('/login', { username: 'olivia', password: strongPassword });
    await Promise.all(occupying);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(await response.text()).toContain('Wait 5 seconds');
    expect((await eventTypes(site.app)).length).toBe(before);
  });
});

describe('assets and the root', () => {
  it('serves htmx and our stylesheet under hashed names with a long cache and the right type', async () => {
    site = await createSite();
    const html = await (await site.client().get('/login')).text();
    const script = /<script src="(\/assets\/htmx-[0-9a-f]{12}\.min\.js)"/.exec(html)?.[1];
    const stylesheet = /<link rel="stylesheet" href="(\/assets\/site-[0-9a-f]{12}\.css)"/.exec(html)?.[1];
    const js = await site.client().get(script!);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await js.text()).toContain('htmx');
    expect((await site.client().get(stylesheet!)).headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await site.client().get('/assets/htmx.min.js')).status).toBe(404);
  });

  it('/ leads to log in, or to the account once logged in', async () => {
    site = await createSite();
    await giveLogin(site.app, 'C1', 'olivia');
    await givePermanentPassword(site.app, 'C1', 'olivia', strongPassword);
    const client = site.client();
    expect((await client.get('/')).headers.get('location')).toBe('/login');
    await client.post('/login', { username: 'olivia', password: strongPassword });
    expect((await client.get('/')).headers.get('location')).toBe('/account');
  });
});

describe('settings', () => {
  it('refuses a malformed TRUSTED_PROXY, BUSINESS_LOGO_URL or SESSION_SECRET by name', () => {
    for (const [name, value] of [
      ['TRUSTED_PROXY', '10.0.0.1,not-an-ip'],
      ['TRUSTED_PROXY', '10.0.0.0/33'],
      ['BUSINESS_LOGO_URL', 'http://insecure.example/logo.png'],
      ['SESSION_SECRET', 'short'],
    ] as const) {
      expect(() => loadConfig({ LATCHKEY_DATA_DIR: '/tmp', [name]: value })).toThrow(ConfigError);
      expect(() => loadConfig({ LATCHKEY_DATA_DIR: '/tmp', [name]: value })).toThrow(name);
    }
    expect(loadConfig({ LATCHKEY_DATA_DIR: '/tmp', TRUSTED_PROXY: '10.0.0.1, fd00::/8' }).trustedProxies).toEqual([
      '10.0.0.1',
      'fd00::/8',
    ]);
    expect(loadConfig({ LATCHKEY_DATA_DIR: '/tmp', PUBLIC_ORIGIN: origin }).publicOrigin).toBe(origin);
  });

  it('without PUBLIC_ORIGIN, the origin is the loopback address the site listens on', () => {
    const originOf = (env: Record<string, string>) => loadConfig({ LATCHKEY_DATA_DIR: '/tmp', ...env }).publicOrigin;
    expect(originOf({})).toBe('http://127.0.0.1:3000');
    expect(originOf({ PORT: '8080', HOST: '127.0.0.2' })).toBe('http://127.0.0.2:8080');
    expect(originOf({ HOST: '::1' })).toBe('http://[::1]:3000');
    expect(originOf({ HOST: 'localhost' })).toBe('http://localhost:3000');
    expect(originOf({ HOST: '0.0.0.0' })).toBe('http://localhost:3000');
  });
});
