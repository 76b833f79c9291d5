import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** A bot token as kept at rest: AES-256-GCM with a fresh 12-byte IV, and the tag that proves it unchanged. */
export interface SealedToken {
  readonly iv: Buffer;
  readonly tag: Buffer;
  readonly ciphertext: Buffer;
}

export interface TokenCipher {
  seal(token: string, binding: TokenBinding): SealedToken;
  /** Throws when the key is wrong or the record was changed: never returns a token that was not sealed. */
  open(sealed: SealedToken, binding: TokenBinding): string;
}

/**
 * What a sealed token is bound to (GCM's associated data): a record copied onto another team's or
 * another business's row fails to open instead of handing one workspace's token to another.
 */
export interface TokenBinding {
  readonly teamId: string;
  readonly businessId: string;
}

const ivBytes = 12;
const tagBytes = 16;

export function createTokenCipher(key: Buffer): TokenCipher {
  if (key.length !== 32)
    throw new Error(`the Slack token key is ${key.length} bytes; AES-256 needs exactly 32 (openssl rand -base64 32)`);
  return {
    seal(token, binding) {
      const iv = randomBytes(ivBytes);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: tagBytes });
      cipher.setAAD(associatedData(binding));
      const ciphertext = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
      return { iv, tag: cipher.getAuthTag(), ciphertext };
    },
    open(sealed, binding) {
      if (sealed.iv.length !== ivBytes || sealed.tag.length !== tagBytes)
        throw new TokenUnreadableError(binding.teamId);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv, { authTagLength: tagBytes });
        decipher.setAAD(associatedData(binding));
        decipher.setAuthTag(sealed.tag);
        return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8');
      } catch {
        throw new TokenUnreadableError(binding.teamId);
      }
    },
  };
}

export class TokenUnreadableError extends Error {
  override readonly name = 'TokenUnreadableError';
  constructor(readonly teamId: string) {
    super(
      `the stored Slack bot token of workspace ${teamId} cannot be decrypted: SLACK_TOKEN_KEY (or the slack-token-key file) is not the key it was stored with, or the record was changed; restore the key, or install the app into that workspace again`,
    );
  }
}

function associatedData(binding: TokenBinding): Buffer {
  return Buffer.from(`latchkey slack bot token\n${binding.teamId}\n${binding.businessId}`, 'utf8');
}
