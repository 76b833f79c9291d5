import type { Command } from 'commander';

let selected: string | undefined;

/**
 * `--business <id>` on every command, as an option of the program itself, so it may stand before
 * or after the command's name. Commands act on the default business when it is not given.
 */
export function addBusinessOption(program: Command): Command {
  return program
    .option('--business <id>', 'act on this business (default: the default business)')
    .hook('preAction', () => {
      selected = (program.opts() as { business?: string }).business;
    });
}

/** The business the command line chose, if any (read by withApp when it opens the app). */
export function selectedBusiness(): string | undefined {
  return selected;
}
