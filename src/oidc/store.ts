import { createHash } from 'node:crypto';
import type { Adapter, AdapterPayload } from 'oidc-provider';

/** A provider adapter that can also say whether its consume was the first. */
export interface OidcAdapter extends Adapter {
  /** Marks a code or token used; false when it already was (a second use, perhaps from another instance). */
  consumeOnce(id: string): Promise<boolean>;
}

/**
 * The provider's codes, tokens, sessions, grants and interactions. Rows are keyed by business,
 * model and a SHA-256 of the id, so the store never holds a usable code or token by its id; the
 * id is put back into the payload when a row is found by it. Sessions keep their id in the
 * payload, because the provider finds them by uid and needs the id back. Expired rows are never
 * served, and `sweep` deletes them.
 */
export interface OidcStore {
  adapterFor(businessId: string): new (model: string) => OidcAdapter;
  /** The unexpired provider sessions of one client. */
  sessionsOfAccount(businessId: string, accountId: string): Promise<AdapterPayload[]>;
  /** The unexpired payloads of one model of the business (Latchkey's own rows, like pending logouts). */
  payloadsOfModel(businessId: string, model: string): Promise<AdapterPayload[]>;
  /**
   * The business's signing keys as `signing-keys.ts` sealed them (encrypted under a key derived
   * from the pepper), or null when none are stored yet. Every instance on a shared store signs
   * with the same keys.
   */
  readSigningKeys(businessId: string): Promise<string | null>;
  /**
   * Stores sealed signing keys if what is stored is still `expected` (null: nothing yet), so two
   * instances making the first keys, or two rotations at once, never overwrite each other; false
   * when another writer came first.
   */
  writeSigningKeys(businessId: string, sealed: string, expected: string | null): Promise<boolean>;
  /** Deletes rows past their expiry; resolves to how many. */
  sweep(now?: Date): Promise<number>;
  close(): Promise<void>;
}

/** One row as every store keeps it. */
export interface OidcRow {
  readonly businessId: string;
  readonly model: string;
  readonly idHash: string;
  readonly payload: string;
  /** Milliseconds since the epoch; null for no expiry. */
  readonly expiresAt: number | null;
  readonly grantId: string | null;
  readonly uidHash: string | null;
  readonly userCodeHash: string | null;
  readonly accountId: string | null;
}

/** Where the sealed signing keys sit among the provider's rows: a model name the provider never uses. */
export const signingKeysRow = { model: 'LatchkeySigningKeys', idHash: 'current' } as const;

export const digest = (value: string): string => createHash('sha256').update(value).digest('base64url');

/** What is written for a model's payload: everything but a code's or token's own id. */
export function rowOf(
  businessId: string,
  model: string,
  id: string,
  payload: AdapterPayload,
  expiresIn: number,
): OidcRow {
  const stored = model === 'Session' ? payload : { ...payload, jti: undefined };
  return {
    businessId,
    model,
    idHash: digest(id),
    payload: JSON.stringify(stored),
    expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : null,
    grantId: payload.grantId ?? null,
    uidHash: payload.uid ? digest(payload.uid) : null,
    userCodeHash: payload.userCode ? digest(payload.userCode) : null,
    accountId: model === 'Session' ? (payload.accountId ?? null) : null,
  };
}

/** A found row as the provider wants it: nothing once expired, its id and consumption put back. */
export function payloadOf(
  row: { payload: string; expiresAt: number | null; consumed: number | null } | undefined,
  id: string | null,
): AdapterPayload | undefined {
  if (!row || (row.expiresAt !== null && row.expiresAt <= Date.now())) return undefined;
  const payload = JSON.parse(row.payload) as AdapterPayload;
  return {
    ...payload,
    ...(id !== null && payload.jti === undefined ? { jti: id } : {}),
    ...(row.consumed !== null ? { consumed: row.consumed } : {}),
  };
}
