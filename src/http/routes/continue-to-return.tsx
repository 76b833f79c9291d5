import type { Context } from 'hono';
import type { Chrome } from '../views/layout.tsx';
import { redirectAfterPost, sendPage, wantsFragment } from '../views/render.tsx';

function ContinuePage(props: { href: string }) {
  return (
    <>
      <h1>Signing you in</h1>
      <p>
        <a href={props.href}>Continue to the app</a>
      </p>
    </>
  );
}

/**
 * Where a form that finishes a portal's sign-in (login, new password, reset) sends the browser:
 * back to the interaction, which carries on to the portal's own origin. Browsers hold every
 * redirect of a form's navigation to the page's `form-action 'self'`, which stops that last hop
 * when the form was posted without JavaScript. So a browser's plain form navigation gets a page
 * that moves on by itself (a `Refresh` header, a navigation of its own, which `form-action` does
 * not govern), with a link for the rare browser that does not follow it. htmx posts (HX-Redirect)
 * and requests from anything but a browser's navigation get the usual answer. `returnTo` is
 * already checked with `safeReturn`, so it is a plain path that is safe in a header.
 */
export function continueToReturn(c: Context, chrome: Chrome, returnTo: string) {
  if (wantsFragment(c) || c.req.header('sec-fetch-mode') !== 'navigate') return redirectAfterPost(c, returnTo);
  return sendPage(c, chrome, {
    title: 'Signing you in',
    content: <ContinuePage href={returnTo} />,
    headers: { Refresh: `0; url=${returnTo}` },
  });
}
