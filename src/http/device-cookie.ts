import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { deviceTokenMaxAgeSeconds } from '../app/device-tokens.ts';

export interface DeviceCookie {
  read(c: Context): string | undefined;
  write(c: Context, token: string): void;
}

/**
 * The device cookie outlives every session (it only vouches that this browser signed in to this
 * login before) and is never read by script. On https it is a `__Host-` cookie, bound to this
 * exact origin; on a plain-http development origin a Secure cookie would not come back, so it is
 * neither Secure nor prefixed there.
 */
export function createDeviceCookie(publicOrigin: string): DeviceCookie {
  const secure = new URL(publicOrigin).protocol === 'https:';
  const name = deviceCookieName(publicOrigin);
  const options = { httpOnly: true, secure, sameSite: 'Lax', path: '/', maxAge: deviceTokenMaxAgeSeconds } as const;
  return {
    read: (c) => getCookie(c, name),
    write: (c, token) => setCookie(c, name, token, options),
  };
}

export function deviceCookieName(publicOrigin: string): string {
  return new URL(publicOrigin).protocol === 'https:' ? '__Host-latchkey-device' : 'latchkey-device';
}
