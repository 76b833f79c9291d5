import { Command, CommanderError } from 'commander';
import { registerAppCommands } from './apps.ts';
import { registerAuditCommands } from './audit.ts';
import { registerBusinessCommands } from './business.ts';
import { addBusinessOption } from './business-option.ts';
import { registerClientCommands } from './clients.ts';
import { registerDemoCommand } from './demo.ts';
import { describeFailure } from './failure.ts';
import { registerLoginCommands } from './login.ts';
import { registerMailCommands } from './mail.ts';
import { registerOidcCommands } from './oidc.ts';
import { registerProvisionCommand } from './provision.ts';
import { registerServeCommand } from './serve.ts';
import { registerStoreCommands } from './store.ts';

/**
 * The command definitions import commander and nothing else: each action loads its own modules
 * when it runs, so `latchkey --help` and a mistyped command answer at once instead of loading
 * the store adapters, Slack and Mailgun first.
 */
export function buildProgram(): Command {
  const program = new Command('latchkey')
    .description('Client portal logins for a pet-sitting business, kept as an append-only event log.')
    .option('--debug', 'on a failure, print the full error with its stack trace')
    .showHelpAfterError()
    .exitOverride();
  addBusinessOption(program);
  registerServeCommand(program);
  registerDemoCommand(program);
  registerClientCommands(program);
  registerLoginCommands(program);
  registerProvisionCommand(program);
  registerMailCommands(program);
  registerAuditCommands(program);
  registerStoreCommands(program);
  registerBusinessCommands(program);
  // OpenID Connect: apps (relying parties) and the provider's keys.
  registerAppCommands(program);
  registerOidcCommands(program);
  return program;
}

/** Runs one command and returns its exit code; a failure is one line on stderr, never a stack trace. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv], { from: 'user' });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    const failure = await describeFailure(error, { debug: argv.includes('--debug') });
    if (failure.quiet) return 0;
    process.stderr.write(`latchkey: ${failure.message}\n`);
    if (failure.details) process.stderr.write(`${failure.details}\n`);
    return 1;
  }
}
