import { afterEach, describe, expect, it } from 'vitest';
import {
  createSite,
  giveLogin,
  givePermanentPassword,
  giveTempPassword,
  mintResetToken,
  strongPassword,
  type Site,
} from './support.ts';

let site: Site;
afterEach(async () => site.dispose());

async function resetLink(): Promise<string> {
  await site.client().post('/forgot-password', { identifier: 'olivia' });
  return `/reset/${await mintResetToken(site.app, 'C1')}`;
}

/** Every page a client can reach without a session, and the two behind one. */
async function everyPage(): Promise<[string, string][]> {
  await giveLogin(site.app, 'C1', 'olivia');
  await givePermanentPassword(site.app, 'C1', 'olivia', strongPassword);
  await giveLogin(site.app, 'C2', 'liam.garcia');
  const temp = await giveTempPassword(site.app, 'C2');
  const paths = [
    '/login',
    '/forgot-password',
    '/forgot-password/sent',
    '/forgot-username',
    '/forgot-username/sent',
    await resetLink(),
    '/reset/nonsense',
  ];
  const pages: [string, string][] = [];
  for (const path of paths) pages.push([path, await (await site.client().get(path)).text()]);
  const failed = await site.client().post('/login', { username: 'olivia', password: 'not the password' });
  pages.push(['/login (failed)', await failed.text()]);
  const full = site.client();
  await full.post('/login', { username: 'olivia', password: strongPassword });
  pages.push(['/account', await (await full.get('/account')).text()]);
  const choosing = site.client();
  await choosing.post('/login', { username: 'liam.garcia', password: temp });
  pages.push(['/choose-password', await (await choosing.get('/choose-password')).text()]);
  return pages;
}

describe('every page', () => {
  it('has one <h1>, a favicon and a way back to log in (or out)', async () => {
    site = await createSite();
    const pages = await everyPage();
    expect(pages).toHaveLength(10);
    for (const [path, html] of pages) {
      expect({ path, h1: html.match(/<h1[ >]/g)?.length }).toEqual({ path, h1: 1 });
      expect({ path, icon: /<link rel="icon" href="\/assets\/favicon-[0-9a-f]{12}\.svg"/.test(html) }).toEqual({
        path,
        icon: true,
      });
      const wayBack = path.startsWith('/login') || html.includes('href="/login"') || html.includes('action="/logout"');
      expect({ path, wayBack }).toEqual({ path, wayBack: true });
    }
  });

  it('shows the business contact in the footer when one is set, and no footer when none is', async () => {
    site = await createSite({ BUSINESS_CONTACT: 'call 555-0100' });
    const withContact = await (await site.client().get('/login')).text();
    expect(withContact).toMatch(
      /<footer class="site-footer"><p>Need help\? Contact [^<]+: call 555-0100<\/p><\/footer>/,
    );
    await site.dispose();
    site = await createSite();
    for (const [path, html] of await everyPage())
      expect({ path, footer: html.includes('<footer') }).toEqual({
        path,
        footer: false,
      });
  });
});

describe('the favicon', () => {
  it('is served with the assets under a hashed name, kept for a year; /favicon.ico points to it', async () => {
    site = await createSite();
    const html = await (await site.client().get('/login')).text();
    const href = html.match(/<link rel="icon" href="([^"]+)" type="image\/svg\+xml"/)?.[1];
    const icon = await site.client().get(href!);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
    expect(icon.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await icon.text()).toMatch(/^<svg /);
    const ico = await site.client().get('/favicon.ico');
    expect(ico.status).toBe(301);
    expect(ico.headers.get('location')).toBe(href);
    expect(ico.headers.get('cache-control')).toBe('public, max-age=86400');
  });
});

describe('the login failure', () => {
  it('is two short sentences that give the real wait', async () => {
    site = await createSite();
    const html = await (await site.client().post('/login', { username: 'nobody', password: 'wrong one' })).text();
    const alert = html.match(/<div class="alert" role="alert" id="login-error">(.*?)<\/div>/)?.[1] ?? '';
    const text = alert.replace(/<[^>]+>/g, '').trim();
    const sentences = text.split(/(?<=\.)\s+/);
    expect(sentences).toHaveLength(2);
    for (const sentence of sentences) expect(sentence.length).toBeLessThanOrEqual(80);
    expect(text).toContain('a few minutes');
    expect(text).not.toMatch(/a minute/);
  });
});

describe('with htmx', () => {
  it('an answer with errors carries an "Error:" title for the page', async () => {
    site = await createSite();
    for (const [path, form] of [
      ['/login', { username: '', password: '' }],
      ['/forgot-password', { identifier: '' }],
      ['/forgot-username', { email: 'not an email' }],
    ] as const) {
      const response = await site.client().post(path, form, { 'hx-request': 'true' });
      expect(response.status).toBe(422);
      expect(await response.text()).toMatch(/^<title>Error: [^<]+ – Happy Paws Pet Sitting<\/title><form /);
    }
  });

  it('a refusal that replaces the main content is titled as an error too', async () => {
    site = await createSite({ IP_RATE_LIMIT_PER_MINUTE: '1' });
    await site.client().post('/forgot-username', { email: 'a@example.com' }, { 'hx-request': 'true' });
    const limited = await site.client().post('/forgot-username', { email: 'a@example.com' }, { 'hx-request': 'true' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('hx-retarget')).toBe('#main');
    expect(await limited.text()).toMatch(
      /^<title>Error: Too many attempts – [^<]+<\/title><h1>Too many attempts<\/h1>/,
    );
  });
});
