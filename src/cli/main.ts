import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config.ts';
import { EventStoreUnavailableError } from '../eventstore/port.ts';
import { MailTemplateError } from '../mail/templates.ts';
import { CliError } from './errors.ts';
import { registerAuditCommands } from './audit.ts';
import { registerClientCommands } from './clients.ts';
import { registerDemoCommand } from './demo.ts';
import { registerLoginCommands } from './login.ts';
import { registerMailCommands } from './mail.ts';
import { registerProvisionCommand } from './provision.ts';
import { registerServeCommand } from './serve.ts';
import { registerStoreCommands } from './store.ts';

export function buildProgram(): Command {
  const program = new Command('latchkey')
    .description('Client portal logins for a pet-sitting business, kept as an append-only event log.')
    .showHelpAfterError()
    .exitOverride();
  registerServeCommand(program);
  registerDemoCommand(program);
  registerClientCommands(program);
  registerLoginCommands(program);
  registerProvisionCommand(program);
  registerMailCommands(program);
  registerAuditCommands(program);
  registerStoreCommands(program);
  return program;
}

/** Failures people can fix print one clear line and exit 1; anything else is a bug and shows its stack. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv], { from: 'user' });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (
      error instanceof ConfigError ||
      error instanceof EventStoreUnavailableError ||
      error instanceof CliError ||
      error instanceof MailTemplateError
    ) {
      process.stderr.write(`latchkey: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
