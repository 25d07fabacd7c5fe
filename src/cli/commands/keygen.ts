/**
 * `medveil keygen [--out <file>]`: creates the secret de-identification key file. The format,
 * the permissions and the refusal to overwrite live in `crypto/key-file.ts`; this file only
 * reads the options and tells the user what was done and what to do next. The key itself is
 * never printed.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_KEY_FILE, writeKeyFile } from '../../crypto/key-file.js';

export function registerKeygen(program: Command): void {
  program
    .command('keygen')
    .description('create a new secret key for keyed pseudonyms and date shifting (de-identification)')
    .option('--out <file>', 'where to write the key file (never overwritten)', DEFAULT_KEY_FILE)
    .action((options: { out: string }) => {
      const path = resolve(options.out);
      writeKeyFile(path);
      process.stdout.write(
        `wrote a new de-identification key to ${path} (mode 0600)\n`
        + 'keep it secret and keep a backup:\n'
        + '  - the same key gives the same pseudonyms in every run, so exports stay linkable;\n'
        + '  - anyone holding it can test a guessed identity against a pseudonym;\n'
        + '  - without it, the same patients get new pseudonyms.\n',
      );
    });
}
