/**
 * Issue 2, acceptance 1 (the de-identification half): every one of pydicom's sample files, real
 * files from many vendors, is de-identified or quarantined with a reason; each output parses with
 * dcmtk's dcmdump and has no dciodvfy error that its input did not already have.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { basicRecipe } from '../src/deid/load-recipe.js';
import { createPseudonymizer } from '../src/deid/pseudonym/index.js';
import { deidentifyInstance } from '../src/gateway/deidentify-instance.js';
import { dcmdumpFile } from './support/dcmtk.js';
import { listFiles, medveil, temporaryFolder } from './support/medveil-cli.js';
import { pydicomData } from './support/pydicom-files.js';
import { readQuarantineReasons } from './support/quarantine-reasons.js';

const data = pydicomData();
const NOT_DICOM_OR_CUT_SHORT = /\.(txt|json|gz|dump)$|README|no_meta\.dcm$|_truncated\.dcm$/;

interface Outcome {
  readonly input: string;
  readonly output?: string;
  readonly dicomdir?: boolean;
  readonly error?: string;
}

let work: string;
let outcomes: Outcome[];

before(async () => {
  work = temporaryFolder('deid-pydicom');
  const pseudonymizer = createPseudonymizer(new Uint8Array(32).map((_, i) => i * 7 + 1));
  const recipe = basicRecipe();
  outcomes = [];
  for (const [index, input] of data.files.entries()) {
    try {
      const result = await deidentifyInstance(readFileSync(join(data.root, input)), { recipe, pseudonymizer });
      if (result.kind === 'dicomdir') {
        outcomes.push({ input, dicomdir: true });
        continue;
      }
      const output = join(work, `${index}.dcm`);
      writeFileSync(output, Buffer.concat(result.chunks));
      outcomes.push({ input, output });
    } catch (error) {
      outcomes.push({ input, error: String(error) });
    }
  }
});

test('every sample file that is DICOM is de-identified; the rest fail with a reason', () => {
  const refused = outcomes.filter((o) => o.error !== undefined);
  assert.deepEqual(refused.filter((o) => !NOT_DICOM_OR_CUT_SHORT.test(o.input)).map((o) => `${o.input}: ${o.error}`), []);
  for (const o of refused) assert.match(o.error!, /at byte \d+/);
  assert.ok(outcomes.filter((o) => o.output).length >= 80);
});

test('every de-identified output parses with dcmtk dcmdump without errors', () => {
  for (const o of outcomes) {
    if (!o.output) continue;
    const dump = dcmdumpFile(o.output);
    assert.equal(dump.status, 0, `${o.input}: ${dump.errors.join('; ')}`);
    assert.deepEqual(dump.errors, [], o.input);
  }
});

/** dciodvfy gives up on these inputs at an illegal group, so their error lists are no baseline. */
const UNPARSED_BY_DCIODVFY = /Tags out of order - trailing garbage, wrong transfer syntax, or not valid DICOM/;

test('no output has a dciodvfy error that its input did not already have', () => {
  const regressions: string[] = [];
  const noBaseline: string[] = [];
  for (const o of outcomes) {
    if (!o.output) continue;
    const before = dciodvfyErrors(join(data.root, o.input));
    if ([...before].some((line) => UNPARSED_BY_DCIODVFY.test(line))) {
      noBaseline.push(o.input);
      continue;
    }
    for (const error of dciodvfyErrors(o.output)) {
      if (!before.has(error)) regressions.push(`${o.input}: ${error}`);
    }
  }
  assert.deepEqual(regressions, []);
  // Only pydicom's two files with a deliberately illegal group 0001 lack a baseline.
  assert.deepEqual(noBaseline, ['test_files/meta_missing_tsyntax.dcm', 'test_files/nested_priv_SQ.dcm']);
});

test('medveil deid over the whole sample folder loses nothing: each file is written, a duplicate, skipped as DICOMDIR, or quarantined', () => {
  const key = join(work, 'deid.key');
  assert.equal(medveil(['keygen', '--out', key]).status, 0);
  const input = join(work, 'cli-in');
  for (const folder of ['test_files', 'charset_files']) cpSync(join(data.root, folder), join(input, folder), { recursive: true });
  const out = join(work, 'cli-out');
  const quarantine = join(work, 'cli-quarantine');
  const run = medveil(['deid', input, out, '--key-file', key, '--quarantine', quarantine]);
  assert.equal(run.status, 1, 'the non-DICOM files are quarantined, so the exit status is 1');
  const written = listFiles(out).length;
  const reasons = readQuarantineReasons(quarantine);
  const skipped = [...run.stdout.matchAll(/skipped (\d+):/g)].reduce((sum, m) => sum + Number(m[1]), 0);
  assert.equal(written + reasons.length + skipped, data.files.length, run.stdout);
  for (const r of reasons) {
    assert.ok(NOT_DICOM_OR_CUT_SHORT.test(r.input) || /same SOP Instance UID/.test(r.reason), `${r.input}: ${r.reason}`);
  }
});

/**
 * dciodvfy's error lines with values masked: UIDs, quoted values and numbers change under
 * de-identification by design, so only the kind of error and the attribute are compared.
 */
function dciodvfyErrors(path: string): Set<string> {
  const run = spawnSync('dciodvfy', [path], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.error) throw new Error('dciodvfy (dicom3tools) could not run: install the Debian package dicom3tools', { cause: run.error });
  const lines = `${run.stdout}${run.stderr}`.split('\n').filter((line) => line.startsWith('Error'));
  return new Set(lines.map((line) => line.replace(/"[^"]*"/g, '"…"').replace(/[0-9]+(\.[0-9]+)*/g, 'N')));
}
