import type { Context } from 'hono';
import { html } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { HtmlEscapedString } from 'hono/utils/html';
import { Layout, pageTitle, type Chrome } from './layout.tsx';

/** What a JSX expression renders to. */
export type Markup = HtmlEscapedString | Promise<HtmlEscapedString>;

type Status = 200 | 403 | 404 | 413 | 422 | 429 | 500 | 503;

/** Pages about a person's account must not be kept by the browser or any cache on the way. */
const pageHeaders = { 'Cache-Control': 'no-store', Vary: 'HX-Request' } as const;

/** htmx asks for the form alone; a history restore asks for the whole page again. */
export function wantsFragment(c: Context): boolean {
  return c.req.header('HX-Request') === 'true' && c.req.header('HX-History-Restore-Request') !== 'true';
}

export function sendPage(
  c: Context,
  chrome: Chrome,
  page: { status?: Status; title: string; content: Child; headers?: Record<string, string> },
) {
  const document = html`<!doctype html>${(
      <Layout chrome={chrome} title={page.title}>
        {page.content}
      </Layout>
    )}`;
  return c.html(document, page.status ?? 200, { ...pageHeaders, ...page.headers });
}

/**
 * A form answered with errors: the whole page for a plain post, the form alone for htmx
 * (htmx 4 swaps 4xx and 5xx answers too, so the form with its errors replaces the old one).
 * Either way the title starts with "Error:": htmx takes a <title> in a fragment as the page's.
 */
export function sendForm(
  c: Context,
  chrome: Chrome,
  answer: {
    status: Status;
    title: string;
    form: Markup;
    page: (form: Child) => Child;
    headers?: Record<string, string>;
  },
) {
  const title = `Error: ${answer.title}`;
  if (wantsFragment(c))
    return c.html(withTitle(chrome, title, answer.form), answer.status, { ...pageHeaders, ...answer.headers });
  return sendPage(c, chrome, {
    status: answer.status,
    title,
    content: answer.page(answer.form),
    headers: answer.headers ?? {},
  });
}

/**
 * A page that replaces whatever the form was on (a spent link, a refusal): the whole page for a
 * plain request; for htmx the main content, retargeted, since the form it came from may not fit it.
 */
export function sendMain(
  c: Context,
  chrome: Chrome,
  page: { status: Status; title: string; content: Child; headers?: Record<string, string> },
) {
  if (wantsFragment(c)) {
    const content = <>{page.content}</>;
    return c.html(withTitle(chrome, page.title, content), page.status, {
      ...pageHeaders,
      'HX-Retarget': '#main',
      'HX-Reswap': 'innerHTML',
      ...page.headers,
    });
  }
  return sendPage(c, chrome, page);
}

function withTitle(chrome: Chrome, title: string, content: Markup) {
  return html`<title>${pageTitle(chrome, title)}</title>${content}`;
}

/**
 * After a successful post: 303 for a plain form (the browser then GETs the next page); for
 * htmx, whose fetch would follow a redirect and swap the next page into the form, HX-Redirect.
 */
export function redirectAfterPost(c: Context, location: string) {
  if (wantsFragment(c)) return c.body(null, 204, { 'HX-Redirect': location, ...pageHeaders });
  return c.redirect(location, 303);
}
