import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const srcDir = fileURLToPath(new URL('../src/', import.meta.url));
const sources = readdirSync(srcDir, { recursive: true, encoding: 'utf8' })
  .filter((file) => /\.tsx?$/.test(file))
  .map((file) => ({ file: file.split('\\').join('/'), lines: readFileSync(join(srcDir, file), 'utf8').split('\n') }));

function occurrences(pattern: RegExp) {
  return sources.flatMap(({ file, lines }) =>
    lines.flatMap((line, index) => (pattern.test(line) ? [{ file, line: index + 1, text: line.trim() }] : [])),
  );
}

it('recorded data is cast in decodeEvent only; every other double cast is a commented vendor seam', () => {
  const casts = occurrences(/as unknown as/);
  const undocumented = casts.filter(({ file, line }) => {
    if (file === 'domain/events.ts') return false;
    const before = sources.find((source) => source.file === file)!.lines.slice(Math.max(0, line - 8), line - 1);
    return !before.some((text) => /Vendor seam/.test(text));
  });
  expect(undocumented).toEqual([]);
  expect(casts.filter(({ file }) => file === 'domain/events.ts')).toHaveLength(1);
  expect(casts.every(({ file }) => file === 'domain/events.ts' || /^(eventstore|slack|app|oidc)\//.test(file))).toBe(
    true,
  );
});

it('events are appended through recordEvent or handleCommand only, which alone make ids and metadata', () => {
  const appends = occurrences(/\.append(Atomically)?\(/).filter(({ file }) => !file.startsWith('eventstore/'));
  expect(appends.map(({ file }) => file).sort()).toEqual(['app/handle-command.ts', 'app/record-event.ts']);
  const derivedIds = occurrences(/deriveEventId\(/).map(({ file }) => file);
  expect([...new Set(derivedIds)].sort()).toEqual(['app/ids.ts', 'app/record-event.ts']);
});
