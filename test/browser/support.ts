import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
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

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core on the page as it stands and names every serious or critical violation. axe is
 * evaluated through the DevTools protocol, which the page's CSP does not govern, so the site's
 * policy stays as strict in the test as in production (and it works with JavaScript off too).
 */
export async function seriousAccessibilityProblems(page: Page): Promise<string[]> {
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(axeSource);
  const found = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((results) =>
    JSON.stringify(results.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')) }))))`)) as string;
  const violations = JSON.parse(found) as { id: string; impact: string | null; targets: string[] }[];
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${new URL(page.url()).pathname}: ${violation.id} (${violation.impact}) at ${violation.targets.join(', ')}`,
    );
}
