/**
 * `medveil dicomdir <deid-output> <media-folder>`: lay de-identified files out as a media folder
 * (DICOMDIR at the root, DICOM/P0000001/ST000001/SE000001/I0000001 below) for CDs, USB sticks
 * and export packages. Names are ordinals only. Nothing is left behind when a file is refused.
 */
import type { Command } from 'commander';
import { MedVeilError } from '../../errors.js';
import { DEFAULT_FILE_SET_ID } from '../../dicom/dicomdir/index.js';
import { buildMediaFolder } from '../../gateway/build-media-folder.js';

interface DicomdirFlags {
  filesetId: string;
  copy?: boolean;
  allowIdentified?: boolean;
}

export function registerDicomdir(program: Command): void {
  program
    .command('dicomdir')
    .description('build a media folder with a DICOMDIR from de-identified files (names are ordinals only)')
    .argument('<deid-output>', 'the output folder of `medveil deid`')
    .argument('<media-folder>', 'the folder to create (must not exist, or be empty)')
    .option('--fileset-id <id>', 'File-set ID: up to 16 of A-Z, 0-9, space and _ ("" for none)', DEFAULT_FILE_SET_ID)
    .option('--copy', 'copy the files instead of hard-linking them')
    .option('--allow-identified', 'accept files that do not say they were de-identified (the DICOMDIR repeats their names and IDs)')
    .action(async (input: string, output: string, flags: DicomdirFlags) => {
      if (!/^[A-Z0-9_ ]{0,16}$/.test(flags.filesetId)) {
        throw new MedVeilError('usage', `--fileset-id "${flags.filesetId}" is not up to 16 of A-Z, 0-9, space and _`, { hint: 'for example --fileset-id TRIAL_042' });
      }
      const summary = await buildMediaFolder(input, output, {
        fileSetId: flags.filesetId,
        transfer: flags.copy === true ? 'copy' : 'link',
        allowIdentified: flags.allowIdentified === true,
      });
      const lines = [
        `wrote ${output}: DICOMDIR and ${summary.instances} file(s) (${summary.linked} linked, ${summary.copied} copied)`,
        `  ${summary.patients} patient(s), ${summary.studies} study(ies), ${summary.series} series; File-set UID ${summary.fileSetUid}`,
      ];
      if (summary.invented.size > 0) {
        const filled = [...summary.invented].map(([key, count]) => `${key} ×${count}`).join(', ');
        lines.push(`  filled Type 1 keys the instances leave empty (dummy dates and times, ordinals): ${filled}`);
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
