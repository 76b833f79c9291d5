import type { Child } from 'hono/jsx';

/** What every page shows around its content: the business's own name, logo and contact. */
export interface Chrome {
  readonly businessName: string;
  readonly logoUrl: string | null;
  readonly contact: string | null;
  readonly stylesheetUrl: string;
  readonly scriptUrl: string;
  readonly siteScriptUrl: string;
  readonly faviconUrl: string;
}

export function pageTitle(chrome: Chrome, title: string): string {
  return `${title} – ${chrome.businessName}`;
}

export function Layout(props: { chrome: Chrome; title: string; children: Child }) {
  const { chrome } = props;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        {/* htmx's own indicator styles would be an inline stylesheet; ours are in site.css. */}
        <meta name="htmx-config" content='{"includeIndicatorCSS":false}' />
        <title>{pageTitle(chrome, props.title)}</title>
        <link rel="icon" href={chrome.faviconUrl} type="image/svg+xml" />
        <link rel="stylesheet" href={chrome.stylesheetUrl} />
        <script src={chrome.scriptUrl} defer></script>
        <script src={chrome.siteScriptUrl} defer></script>
      </head>
      <body>
        <a class="skip-link" href="#main">
          Skip to main content
        </a>
        <header class="site-header">
          <a href="/">
            {chrome.logoUrl ? <img src={chrome.logoUrl} alt="" /> : null}
            <span>{chrome.businessName}</span>
          </a>
        </header>
        <main id="main" tabindex={-1}>
          {props.children}
        </main>
        {/* The business's own contact when it has set one; no filler line when it has not. */}
        {chrome.contact ? (
          <footer class="site-footer">
            <p>
              Need help? Contact {chrome.businessName}: {chrome.contact}
            </p>
          </footer>
        ) : null}
      </body>
    </html>
  );
}
