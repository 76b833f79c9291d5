import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import {
  businessForHost,
  loopbackAliasFor,
  normaliseHost,
  pickBusinessByHost,
  type BusinessEnv,
  type HostedBusiness,
} from '../../src/http/business-host.ts';

const businesses: HostedBusiness[] = [
  { businessId: 'happypaws', publicOrigin: 'https://login.happypaws.example', suspended: false },
  { businessId: 'waggingtails', publicOrigin: 'http://waggingtails.localhost:3000', suspended: false },
  { businessId: 'portal', publicOrigin: 'https://portal.example:8443', suspended: false },
];

describe('the business of a request, by its Host', () => {
  it('normalises hosts as origins write them', () => {
    expect(normaliseHost('Login.HappyPaws.Example:443', 'https:')).toBe('login.happypaws.example');
    expect(normaliseHost('login.happypaws.example:80', 'http:')).toBe('login.happypaws.example');
    expect(normaliseHost('login.happypaws.example:80', 'https:')).toBe('login.happypaws.example:80');
    expect(normaliseHost('[::1]:3000', 'http:')).toBe('[::1]:3000');
    for (const bad of [undefined, '', 'a b', 'evil.example/login', 'user@evil.example', 'evil.example:', 'é.example']) {
      expect(normaliseHost(bad, 'https:'), String(bad)).toBeNull();
    }
  });

  it('matches only a configured origin, port included', () => {
    expect(businessForHost('login.happypaws.example', businesses)?.businessId).toBe('happypaws');
    expect(businessForHost('LOGIN.happypaws.example:443', businesses)?.businessId).toBe('happypaws');
    expect(businessForHost('waggingtails.localhost:3000', businesses)?.businessId).toBe('waggingtails');
    expect(businessForHost('portal.example:8443', businesses)?.businessId).toBe('portal');
    for (const other of [
      'portal.example',
      'waggingtails.localhost',
      'happypaws.example',
      'login.happypaws.example.evil.example',
      'evil.example',
      undefined,
    ]) {
      expect(businessForHost(other, businesses), String(other)).toBeNull();
    }
  });

  it('answers an unknown host with a plain 404 that names no business', async () => {
    const app = new Hono<BusinessEnv<HostedBusiness>>();
    app.use(
      '*',
      pickBusinessByHost(() => businesses),
    );
    app.get('/login', (c) => c.text(`login for ${c.get('business').businessId}`));
    const known = await app.request('http://login.happypaws.example/login', {
      headers: { host: 'login.happypaws.example' },
    });
    expect(await known.text()).toBe('login for happypaws');
    for (const host of ['evil.example', 'happypaws.localhost:3000', '']) {
      const unknown = await app.request('http://x/login', { headers: { host } });
      expect(unknown.status).toBe(404);
      const body = await unknown.text();
      expect(body).toBe('Not Found');
      for (const business of businesses) expect(body).not.toContain(business.businessId);
    }
  });

  it('sends a loopback alias of a localhost origin to that origin, and nothing else', async () => {
    const local: HostedBusiness[] = [
      ...businesses,
      { businessId: 'dev', publicOrigin: 'http://localhost:3000', suspended: false },
    ];
    expect(loopbackAliasFor('127.0.0.1:3000', local)?.businessId).toBe('dev');
    expect(loopbackAliasFor('[::1]:3000', local)?.businessId).toBe('dev');
    for (const other of ['127.0.0.1:3001', '127.0.0.1', 'localhost:3000', 'evil.example:3000', '10.0.0.1:3000']) {
      expect(loopbackAliasFor(other, local), other).toBeNull();
    }
    expect(
      loopbackAliasFor('localhost:8080', [
        { businessId: 'ip', publicOrigin: 'http://127.0.0.1:8080', suspended: false },
      ])?.businessId,
    ).toBe('ip');

    const app = new Hono<BusinessEnv<HostedBusiness>>();
    app.use(
      '*',
      pickBusinessByHost(() => local),
    );
    app.all('/login', (c) => c.text(`login for ${c.get('business').businessId}`));
    for (const method of ['GET', 'POST']) {
      const aliased = await app.request('http://127.0.0.1:3000/login?return=%2Faccount', {
        method,
        headers: { host: '127.0.0.1:3000' },
      });
      expect(aliased.status).toBe(308);
      expect(aliased.headers.get('location')).toBe('http://localhost:3000/login?return=%2Faccount');
      expect(await aliased.text()).not.toContain('login for');
    }
    // A real domain has no alias: 127.0.0.1 on its port is still unknown.
    const elsewhere = await app.request('http://127.0.0.1:8443/login', { headers: { host: '127.0.0.1:8443' } });
    expect(elsewhere.status).toBe(404);
  });
});
