import { randomBytes } from 'node:crypto';
import { Client, escapeIdentifier } from 'pg';
import type { ImportRow } from '../src/app/client-import.ts';

/** Benchmarks act as the system: their events are recognisable in any log they leave behind. */
export const benchActor = { kind: 'system', id: 'bench' } as const;

/** A client export of `count` rows, each with its own email, as the import takes it. */
export function syntheticClientRows(count: number): ImportRow[] {
  return Array.from({ length: count }, (_, i) => ({
    line: i + 2,
    clientId: `B${100000 + i}`,
    details: {
      firstName: `First${i}`,
      lastName: `Last${i}`,
      email: `client${i}@example.com`,
      altEmail: null,
      active: true,
    },
    errors: [],
    warnings: [],
  }));
}

export const newBenchSchema = (): string => `latchkey_bench_${randomBytes(6).toString('hex')}`;

export async function dropSchema(connectionString: string, schema: string): Promise<void> {
  const client = new Client({ connectionString });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${escapeIdentifier(schema)} CASCADE`);
  await client.end();
}

export const twoDecimals = (value: number): number => Math.round(value * 100) / 100;
