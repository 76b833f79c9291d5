import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { Child, FC } from 'hono/jsx';
import { listOutbox, readOutboxMessage, type OutboxEntry } from '../mail/outbox.ts';

/**
 * GET /dev/outbox: the dev outbox as pages, read-only. Mounted only in dev mode (DEV_MODE), which
 * is on by default only when mail goes to the outbox and the server listens on this machine alone:
 * the messages hold temporary passwords and reset links, as a real inbox would.
 */
export function devOutboxRoutes(outboxDir: string): Hono {
  const routes = new Hono();
  routes.use(
    '*',
    secureHeaders({
      // Emails carry inline styles and remote images; the sandboxed frame runs no script.
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        styleSrc: ["'unsafe-inline'"],
        imgSrc: ['https:', 'data:'],
        frameAncestors: ["'none'"],
      },
      referrerPolicy: 'no-referrer',
    }),
  );
  routes.get('/', (c) => c.html(<OutboxList entries={listOutbox(outboxDir)} />));
  routes.get('/:id', (c) => {
    const requested = c.req.param('id');
    const wantsEml = requested.endsWith('.eml');
    const message = readOutboxMessage(outboxDir, wantsEml ? requested.slice(0, -'.eml'.length) : requested);
    if (!message)
      return c.html(
        <Page title="Not in the outbox">
          <p>
            There is no such message. <a href="/dev/outbox">Back to the outbox</a>
          </p>
        </Page>,
        404,
      );
    if (wantsEml)
      return c.body(message.eml, 200, {
        'Content-Type': 'message/rfc822',
        'Content-Disposition': `attachment; filename="${message.id}.eml"`,
      });
    return c.html(<OutboxMessage message={message} />);
  });
  return routes;
}

const Page: FC<{ title: string; children?: Child }> = ({ title, children }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <title>{title} · Latchkey dev outbox</title>
      <style>
        {
          'body{font-family:system-ui,sans-serif;margin:2em;max-width:72em}td,th{padding:.3em .8em;text-align:left;vertical-align:top}pre{white-space:pre-wrap;background:#f4f4f4;padding:1em}iframe{width:100%;height:32em;border:1px solid #ccc}'
        }
      </style>
    </head>
    <body>
      <p>
        <strong>Dev outbox</strong>: mail that would have been sent. Nothing here left this machine.
      </p>
      {children}
    </body>
  </html>
);

const OutboxList: FC<{ entries: readonly OutboxEntry[] }> = ({ entries }) => (
  <Page title="Outbox">
    <h1>Outbox</h1>
    {entries.length === 0 ? (
      <p>No mail yet.</p>
    ) : (
      <table>
        <thead>
          <tr>
            <th>When</th>
            <th>To</th>
            <th>Subject</th>
            <th>Template</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr>
              <td>{entry.at}</td>
              <td>{entry.to}</td>
              <td>
                <a href={`/dev/outbox/${entry.id}`}>{entry.subject}</a>
              </td>
              <td>{entry.variables.template ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    )}
  </Page>
);

const OutboxMessage: FC<{ message: NonNullable<ReturnType<typeof readOutboxMessage>> }> = ({ message }) => (
  <Page title={message.subject}>
    <p>
      <a href="/dev/outbox">← Outbox</a> · <a href={`/dev/outbox/${message.id}.eml`}>Download .eml</a>
    </p>
    <h1>{message.subject}</h1>
    <table>
      <tr>
        <th>From</th>
        <td>{message.from}</td>
      </tr>
      <tr>
        <th>To</th>
        <td>{message.to}</td>
      </tr>
      {message.replyTo ? (
        <tr>
          <th>Reply-To</th>
          <td>{message.replyTo}</td>
        </tr>
      ) : null}
      <tr>
        <th>Sent</th>
        <td>{message.at}</td>
      </tr>
      <tr>
        <th>Tags</th>
        <td>{message.tags.join(', ')}</td>
      </tr>
      <tr>
        <th>Variables</th>
        <td>
          {Object.entries(message.variables)
            .map(([name, value]) => `${name}=${value}`)
            .join(', ')}
        </td>
      </tr>
    </table>
    <h2>HTML part</h2>
    <iframe sandbox="" srcdoc={message.html} title="HTML part"></iframe>
    <h2>Plain-text part</h2>
    <pre>{message.text}</pre>
  </Page>
);
