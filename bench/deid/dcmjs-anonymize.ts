/**
 * The dcmjs peer of the de-identification benchmark, used the way its README shows: one process
 * walks a folder, reads each file with `DicomMessage.readFile`, applies `anonymizer.cleanTags`
 * (dcmjs's list of attributes to empty, PatientName and PatientID replaced) and writes it under
 * the same relative path. Prints `{"written":n,"failed":n}` on stdout.
 *
 * Usage: node dcmjs-anonymize.js <input-folder> <output-folder>
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { listFiles } from './list-files.js';

/** The part of dcmjs (which ships no type declarations) this script calls. */
interface Dcmjs {
  readonly data: { readonly DicomMessage: { readFile(buffer: ArrayBuffer): { dict: Record<string, unknown>; write(): ArrayBuffer } } };
  readonly anonymizer: { cleanTags(dict: Record<string, unknown>): void };
}

export async function anonymizeFolderWithDcmjs(input: string, output: string): Promise<{ written: number; failed: number }> {
  const specifier: string = 'dcmjs';
  const loaded = (await import(specifier)) as { default?: Dcmjs } & Dcmjs;
  const dcmjs = loaded.default ?? loaded;
  // dcmjs logs every unknown tag and VR it meets; the benchmark measures the work, not the console.
  (dcmjs as unknown as { log?: { setLevel?(level: string): void } }).log?.setLevel?.('error');
  let written = 0;
  let failed = 0;
  for (const path of listFiles(input)) {
    try {
      const bytes = readFileSync(join(input, path));
      const arrayBuffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      const message = dcmjs.data.DicomMessage.readFile(arrayBuffer);
      dcmjs.anonymizer.cleanTags(message.dict);
      const target = join(output, path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, Buffer.from(message.write()));
      written++;
    } catch {
      failed++;
    }
  }
  return { written, failed };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [input, output] = process.argv.slice(2);
  if (!input || !output) {
    process.stderr.write('usage: node dcmjs-anonymize.js <input-folder> <output-folder>\n');
    process.exit(2);
  }
  anonymizeFolderWithDcmjs(input, output).then((counts) => process.stdout.write(`${JSON.stringify(counts)}\n`));
}
