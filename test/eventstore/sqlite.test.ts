import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteEventStore } from '../../src/eventstore/sqlite.ts';
import { testEventStore } from './contract.ts';

testEventStore(
  'sqlite',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-sqlite-'));
    const file = join(dir, 'events.sqlite');
    const store = openSqliteEventStore(file);
    return {
      store,
      openAnother: async () => openSqliteEventStore(file),
      dispose: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
  { gapFreeIntegerPositions: true, atomicMultiStreamAppend: true },
);
