/**
 * Runs one CLI command in this process for its tests (never imported by the CLI): the command
 * registered on a fresh program, what it printed to standard output, and the exit code it set,
 * which is put back afterwards.
 */
import { Command } from 'commander';

export async function runRegisteredCommand(
  register: (program: Command) => void,
  args: readonly string[],
): Promise<{ printed: string; exitCode: number | string | undefined }> {
  const program = new Command('medveil').exitOverride();
  register(program);
  let printed = '';
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    printed += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  const previousExitCode = process.exitCode;
  try {
    await program.parseAsync([...args], { from: 'user' });
  } finally {
    process.stdout.write = write;
  }
  const exitCode = process.exitCode;
  process.exitCode = previousExitCode;
  return { printed, exitCode };
}
