import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * The `latchkey` command as the tests run it: the TypeScript sources through tsx, so the suite
 * needs no build. The built package (bin/latchkey.js → dist/) is tested by test/cli/package.test.ts.
 */
export const latchkeyArgs: readonly string[] = [
  '--import',
  'tsx',
  fileURLToPath(new URL('../../src/cli/entry.ts', import.meta.url)),
];

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real `latchkey` command in its own process, as a person would. */
export function runCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...latchkeyArgs, ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
