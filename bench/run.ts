// `npm run bench`: every figure is measured against a baseline taken in the same run, on the
// same machine, and reported as a ratio; nothing here is a pass/fail test.
import { cpus, totalmem } from 'node:os';
import { benchCore } from './core.ts';

const sections: Record<string, () => Promise<Record<string, unknown>>> = {
  core: benchCore,
};

const only = process.argv.slice(2);
const results: Record<string, unknown> = {
  machine: { node: process.version, cpus: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30) },
};
for (const [name, run] of Object.entries(sections)) {
  if (only.length > 0 && !only.includes(name)) continue;
  process.stderr.write(`bench: ${name}…\n`);
  results[name] = await run();
}
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
