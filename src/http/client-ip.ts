import { BlockList, isIP } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

/**
 * The address a request came from, for per-IP limits. X-Forwarded-For is believed only when
 * the socket peer is one of our own proxies: anyone else can write whatever they like in it.
 * Walking the header from the right and skipping our proxies finds the first address that a
 * proxy of ours saw, which a client cannot forge.
 */
export function createClientIpResolver(trustedProxies: readonly string[]): (c: Context) => string {
  const trusted = new BlockList();
  for (const entry of trustedProxies) {
    const [address = '', prefix] = entry.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) trusted.addAddress(address, family);
    else trusted.addSubnet(address, Number(prefix), family);
  }
  const isTrusted = (address: string) => {
    const family = isIP(address);
    return family !== 0 && trusted.check(address, family === 6 ? 'ipv6' : 'ipv4');
  };

  return function resolveClientIp(c) {
    const peer = socketAddress(c);
    if (trustedProxies.length === 0 || peer === null || !isTrusted(peer)) return peer ?? 'unknown';
    const hops = (c.req.header('x-forwarded-for') ?? '')
      .split(',')
      .map((hop) => hop.trim())
      .filter((hop) => isIP(hop) !== 0);
    for (let i = hops.length - 1; i >= 0; i--) {
      if (!isTrusted(hops[i]!)) return hops[i]!;
    }
    return hops[0] ?? peer;
  };
}

/** Requests handed in without a socket (tests calling app.request) have no peer address. */
function socketAddress(c: Context): string | null {
  try {
    return normaliseMappedIpv4(getConnInfo(c).remote.address ?? null);
  } catch {
    return null;
  }
}

/** A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d; one client, one bucket. */
function normaliseMappedIpv4(address: string | null): string | null {
  return address?.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}
