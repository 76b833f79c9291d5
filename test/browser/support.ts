import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Hono } from 'hono';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createHttpApp } from '../../src/http/app.ts';
import { startHttpServer, type RunningServer } from '../../src/http/server.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

export const screenshotDir = join(process.cwd(), 'test-artifacts', 'screenshots');

/** Debian's Chromium. A missing browser fails the run (CI installs it); it is never skipped. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export interface SiteServer {
  readonly app: TestApp;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * A real server on a loopback port chosen by the OS. The app is built once the port is known,
 * so PUBLIC_ORIGIN is exactly the origin the browser sees (the CSRF check compares them).
 */
export async function startSiteServer(env: Record<string, string> = {}): Promise<SiteServer> {
  let site: Hono | null = null;
  const front = new Hono();
  front.all('*', (c) => (site ? site.fetch(c.req.raw, c.env) : c.text('starting', 503)));
  const server: RunningServer = await startHttpServer(front, { port: 0, host: '127.0.0.1' });
  const app = await createTestApp({ PUBLIC_ORIGIN: server.url, ...env });
  site = createHttpApp(app);
  return {
    app,
    url: server.url,
    async close() {
      await server.close();
      await app.dispose();
    },
  };
}

/**
 * `caret: 'initial'`: hiding the caret makes Playwright leave style="" on inputs, which htmx
 * then copies onto the swapped-in form and our CSP rightly refuses.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true, caret: 'initial' });
}

/**
 * Collects what would show that the page broke: script errors and anything the CSP refused.
 * (Chromium also logs every 4xx answer as a console error; a 422 form is not a problem.)
 */
export function watchForProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (
      message.type() === 'error' &&
      !/^Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())
    ) {
      problems.push(`console: ${message.text()}`);
    }
  });
  return problems;
}
