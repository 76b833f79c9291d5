import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Hono } from 'hono';
import { packageFile } from '../package-files.ts';

export interface SiteAssets {
  readonly stylesheetUrl: string;
  readonly scriptUrl: string;
  readonly siteScriptUrl: string;
  readonly faviconUrl: string;
  /** Mounted at /assets. */
  readonly routes: Hono;
}

interface Asset {
  readonly body: Buffer;
  readonly contentType: string;
}

/**
 * Our stylesheet and script, and htmx from node_modules, served under names that carry a hash of their
 * content: a browser may keep them for a year, and a new version gets a new name.
 */
export function createSiteAssets(): SiteAssets {
  const require = createRequire(import.meta.url);
  const files = new Map<string, Asset>();
  const add = (path: string, baseName: string, extension: string, contentType: string) => {
    const body = readFileSync(path);
    const name = `${baseName}-${createHash('sha256').update(body).digest('hex').slice(0, 12)}.${extension}`;
    files.set(name, { body, contentType });
    return `/assets/${name}`;
  };
  const stylesheetUrl = add(packageFile('src/http/assets/site.css'), 'site', 'css', 'text/css; charset=utf-8');
  const scriptUrl = add(
    require.resolve('htmx.org/dist/htmx.min.js'),
    'htmx',
    'min.js',
    'text/javascript; charset=utf-8',
  );

  const siteScriptUrl = add(packageFile('src/http/assets/site.js'), 'site', 'js', 'text/javascript; charset=utf-8');
  const faviconUrl = add(packageFile('src/http/assets/favicon.svg'), 'favicon', 'svg', 'image/svg+xml');

  const routes = new Hono();
  routes.get('/:name', (c) => {
    const asset = files.get(c.req.param('name'));
    if (!asset) return c.notFound();
    return c.body(new Uint8Array(asset.body), 200, {
      'Content-Type': asset.contentType,
      'Cache-Control': 'public, max-age=31536000, immutable',
      'X-Content-Type-Options': 'nosniff',
    });
  });
  return { stylesheetUrl, scriptUrl, siteScriptUrl, faviconUrl, routes };
}
