import type { Command } from 'commander';
import { stdout } from './output.ts';

/** The OpenID Connect provider's own housekeeping. */
export function registerOidcCommands(program: Command): void {
  const oidc = program.command('oidc').description('the OpenID Connect provider that signs clients in to portals');

  oidc
    .command('rotate-keys')
    .description('publish new signing keys now; they sign after a grace period, and old keys leave once unused')
    .action(async () => {
      const [{ loadConfig }, keys, schedule, { defaultBusinessId }] = await Promise.all([
        import('../config.ts'),
        import('../oidc/signing-keys.ts'),
        import('../oidc/key-schedule.ts'),
        import('../domain/business.ts'),
      ]);
      const config = loadConfig(process.env);
      const added = keys.rotateSigningKeys(config.dataDir, defaultBusinessId, new Date(), schedule.defaultKeyPolicy);
      for (const key of added)
        await stdout.write(`Published ${key.alg} key ${key.kid}; it signs from ${key.signsFrom}.\n`);
    });
}
