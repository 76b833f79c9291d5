import type { Command } from 'commander';
import { stdout } from './output.ts';

/** The OpenID Connect provider's own housekeeping. */
export function registerOidcCommands(program: Command): void {
  const oidc = program.command('oidc').description('the OpenID Connect provider that signs clients in to portals');

  oidc
    .command('rotate-keys')
    .description('publish new signing keys now; they sign after a grace period, and old keys leave once unused')
    .action(async () => {
      const [{ withApp }, { openOidcStoreFor }, keys, schedule] = await Promise.all([
        import('./shared.ts'),
        import('../oidc/open-store.ts'),
        import('../oidc/signing-keys.ts'),
        import('../oidc/key-schedule.ts'),
      ]);
      await withApp(async (app) => {
        // The keys live in the provider's store, which every instance of the deployment reads.
        const store = await openOidcStoreFor(app.config);
        try {
          const place = keys.signingKeysPlace(store, app.config.dataDir, app.deps.secrets, app.deps.businessId);
          const added = await keys.rotateSigningKeys(place, new Date(), schedule.defaultKeyPolicy);
          for (const key of added)
            await stdout.write(`Published ${key.alg} key ${key.kid}; it signs from ${key.signsFrom}.\n`);
          await stdout.write('Running servers publish them within a minute.\n');
        } finally {
          await store.close();
        }
      });
    });
}
