import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Every module a file loads as soon as it is imported: its value imports, followed through (not `import type`, not `import()`). */
function loadedAtImport(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const source = readFileSync(file, 'utf8');
  for (const match of source.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s+'(\.[^']+)'/gms))
    loadedAtImport(join(dirname(file), match[1]!), seen);
  return seen;
}

it('registering the mail commands loads no part of the app: `latchkey --help` does not pay for them', () => {
  const loaded = [...loadedAtImport(join(root, 'src/cli/mail.ts'))].map((file) => relative(root, file));
  expect(loaded.filter((file) => /^src\/(app|mail|projections|eventstore|http|slack)\//.test(file))).toEqual([]);
  expect(loaded).toContain('src/cli/mail.ts');
});
