import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config.ts';

/**
 * The pepper keys every stored hash and never enters the log. When it is not configured, one
 * is generated into the data folder on first start (readable by the owner only).
 */
export function loadPepper(configured: string | null, dataDir: string): Buffer {
  return loadServerSecret(configured, dataDir, 'pepper');
}

/**
 * A 32-byte server secret (pepper, session signing key): the configured value, or one generated
 * into `<dataDir>/<fileName>` on first start. Two instances starting at once agree, because
 * only one exclusive create can win and both then read the winner's file.
 */
export function loadServerSecret(configured: string | null, dataDir: string, fileName: string): Buffer {
  if (configured) {
    const secret = Buffer.from(
      configured,
      configured.includes('-') || configured.includes('_') ? 'base64url' : 'base64',
    );
    if (secret.length < 32)
      throw new ConfigError(
        `the configured ${fileName.replace('-', ' ')} decodes to ${secret.length} bytes; use at least 32 random bytes in base64 (openssl rand -base64 32)`,
      );
    return secret;
  }
  const file = join(dataDir, fileName);
  if (!existsSync(file)) {
    try {
      writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const secret = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (secret.length < 32) throw new Error(`the secret in ${file} is shorter than 32 bytes; restore it from a backup`);
  return secret;
}
