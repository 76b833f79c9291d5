// How fast `latchkey` starts: the built command against a bare `node -e 0` (cliStartRatio, at best 1)
// and against running the TypeScript sources through tsx, as bin/latchkey.js did before the build.
// The three are interleaved so that a busy moment on the machine touches each of them alike.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const runs = 9;

function timeOnce(args: string[]): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const round = (ms: number) => Math.round(ms * 10) / 10;

export async function benchCliStart(): Promise<Record<string, unknown>> {
  const bare: number[] = [];
  const built: number[] = [];
  const tsx: number[] = [];
  for (let i = 0; i < runs; i++) {
    bare.push(timeOnce(['-e', '0']));
    built.push(timeOnce(['bin/latchkey.js', '--help']));
    tsx.push(timeOnce(['--import', 'tsx', 'src/cli/entry.ts', '--help']));
  }
  return {
    runs,
    nodeMedianMs: round(median(bare)),
    helpMedianMs: round(median(built)),
    tsxHelpMedianMs: round(median(tsx)),
    cliStartRatio: Math.round((median(bare) / median(built)) * 100) / 100,
    speedupOverTsx: Math.round((median(tsx) / median(built)) * 100) / 100,
  };
}
