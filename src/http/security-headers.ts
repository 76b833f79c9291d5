import type { MiddlewareHandler } from 'hono';

/**
 * Headers every answer carries, 404s, errors and /health included. Pages set their own, stricter
 * ones (their CSP allows our scripts and styles); these fill in only what an answer lacks, so a
 * response nobody designed — a 404 on a probed path, an error — is still locked down.
 */
export const baselineSecurityHeaders: Readonly<Record<string, string>> = {
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Strict-Transport-Security': 'max-age=15552000; includeSubDomains',
  'X-Permitted-Cross-Domain-Policies': 'none',
};

export function securityHeaders(
  headers: Readonly<Record<string, string>> = baselineSecurityHeaders,
): MiddlewareHandler {
  return async function securityHeadersMiddleware(c, next) {
    await next();
    for (const [name, value] of Object.entries(headers)) if (!c.res.headers.has(name)) c.res.headers.set(name, value);
  };
}
