import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openOidcStore } from '../../src/oidc/sqlite-adapter.ts';
import { testOidcStore } from './store-contract.ts';

testOidcStore('SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-oidc-store-'));
  const file = join(dir, 'oidc.sqlite');
  const store = openOidcStore(file);
  return Promise.resolve({
    store,
    openAnother: () => Promise.resolve(openOidcStore(file)),
    contents: async () => {
      await store.close();
      const bytes = ['', '-wal'].map((suffix) => {
        try {
          return readFileSync(file + suffix).toString('latin1');
        } catch {
          return '';
        }
      });
      return bytes.join('');
    },
    dispose: async () => {
      await store.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  });
});
