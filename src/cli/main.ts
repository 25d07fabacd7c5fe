#!/usr/bin/env node
/**
 * The `medveil` command. This is the one place where errors become exit codes and messages
 * (STYLE.md): a MedVeilError from bad input prints its message and the next step to take; any
 * other error is our bug and says so.
 */
import { Command, CommanderError } from 'commander';
import { MedVeilError } from '../errors.js';
import { registerCommands } from './commands/index.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command('medveil')
    .description('MedVeil: a privacy gateway for medical imaging')
    .exitOverride()
    .showHelpAfterError('(run `medveil --help` for the commands)');
  await registerCommands(program, argv[0]);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT_OK;
  } catch (error) {
    return reportError(error);
  }
}

function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  }
  if (error instanceof MedVeilError && error.code !== 'internal') {
    process.stderr.write(`medveil: ${error.message}\n`);
    if (error.hint) process.stderr.write(`  next: ${error.hint}\n`);
    return error.code === 'usage' ? EXIT_USAGE : EXIT_FAILURE;
  }
  process.stderr.write('medveil: internal error, this is a bug in MedVeil; please report it with the trace below.\n');
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return EXIT_FAILURE;
}
