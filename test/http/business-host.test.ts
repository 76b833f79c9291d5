import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import {
  businessForHost,
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
});
