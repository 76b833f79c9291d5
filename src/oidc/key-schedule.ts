/**
 * When each signing key is published and when it signs. Pure: the clock arrives as an argument.
 *
 * A new key is published at once but signs only after a grace period, so every app has fetched
 * the JWKS that holds it before it sees a token signed with it. The key it replaces keeps being
 * published until the last token it signed has expired.
 */
export type SigningAlgorithm = 'ES256' | 'RS256';
export const signingAlgorithms: readonly SigningAlgorithm[] = ['ES256', 'RS256'];

export interface KeyRecord {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  /** The private JWK (with `kid`, `alg`, `use: 'sig'`). */
  readonly jwk: Readonly<Record<string, unknown>>;
  readonly createdAt: string;
  /** From this moment the key signs (unless a newer key of its algorithm signs already). */
  readonly signsFrom: string;
}

export interface KeyPolicy {
  /** How long a new key is published before it signs. */
  readonly graceSeconds: number;
  /** The longest life of any token signed with a key (ID tokens, JWT access tokens, logout tokens). */
  readonly signedTokenTtlSeconds: number;
}

export const defaultKeyPolicy: KeyPolicy = { graceSeconds: 3_600, signedTokenTtlSeconds: 3_600 };

const ms = (iso: string): number => Date.parse(iso);

/** The key of `alg` that signs at `now`: the newest whose grace period is over (the first key signs from its creation). */
export function signingKey(keys: readonly KeyRecord[], alg: SigningAlgorithm, now: Date): KeyRecord | null {
  const ready = keys.filter((key) => key.alg === alg && ms(key.signsFrom) <= now.getTime());
  return ready.sort((a, b) => ms(b.signsFrom) - ms(a.signsFrom))[0] ?? null;
}

/**
 * The keys to publish at `now`, the signing key of each algorithm first (oidc-provider signs with
 * the first key of an algorithm). A key is dropped once a newer key of its algorithm has signed
 * for longer than the longest token lives.
 */
export function publishedKeys(keys: readonly KeyRecord[], now: Date, policy: KeyPolicy): KeyRecord[] {
  const published: KeyRecord[] = [];
  for (const alg of signingAlgorithms) {
    const signer = signingKey(keys, alg, now);
    const retireBefore = signer ? ms(signer.signsFrom) : -Infinity;
    const others = keys.filter((key) => key.alg === alg && key !== signer);
    const kept = others.filter((key) => {
      if (ms(key.signsFrom) > now.getTime()) return true; // waiting out its grace period
      // An older key signed until the current signer took over; its tokens live at most the TTL after that.
      return now.getTime() < retireBefore + policy.signedTokenTtlSeconds * 1000;
    });
    published.push(...(signer ? [signer] : []), ...kept.sort((a, b) => ms(b.signsFrom) - ms(a.signsFrom)));
  }
  return published;
}
