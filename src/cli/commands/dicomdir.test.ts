import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { basicRecipe } from '../../deid/load-recipe.js';
import { createPseudonymizer } from '../../deid/pseudonym/index.js';
import { readDicomFile } from '../../dicom/read-dicom-file.js';
import { Tag } from '../../dicom/tag.js';
import { encodeDicomFile } from '../../dicom/write-dicom-file.js';
import { deidentifyInstance } from '../../gateway/deidentify-instance.js';
import { syntheticCorpus } from '../../samples/synthetic-corpus.js';

/**
 * Runs `medveil dicomdir ...` in a child process (the command writes to stdout, which the test
 * runner reads from this process), with main.ts's rule: a MedVeilError exits 2 for usage, else 1.
 */
function medveil(...args: string[]): { code: number; stdout: string; stderr: string } {
  const runningTs = import.meta.url.endsWith('.ts');
  const moduleUrl = new URL(runningTs ? './dicomdir.ts' : './dicomdir.js', import.meta.url).href;
  const script = `const { Command } = await import('commander');
const { registerDicomdir } = await import(${JSON.stringify(moduleUrl)});
const program = new Command('medveil').exitOverride();
registerDicomdir(program);
try {
  await program.parseAsync(process.argv.slice(1), { from: 'user' });
} catch (error) {
  process.stderr.write(error.message);
  process.exitCode = error.name === 'MedVeilError' && error.code === 'usage' ? 2 : 1;
}`;
  const run = spawnSync(process.execPath, [...(runningTs ? ['--import', 'tsx'] : []), '--input-type=module', '-e', script, ...args], {
    encoding: 'utf8',
    cwd: fileURLToPath(new URL('.', import.meta.url)),
  });
  return { code: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
}

const work = mkdtempSync(join(tmpdir(), 'medveil-cli-dicomdir-'));
const deid = join(work, 'deid');
after(() => rmSync(work, { recursive: true, force: true }));

before(async () => {
  const pseudonymizer = createPseudonymizer(createHash('sha256').update('cli dicomdir test key').digest());
  for (const file of syntheticCorpus({ patients: 2, imagesPerPatient: 2, seed: 'cli dicomdir' }).files) {
    const result = await deidentifyInstance(encodeDicomFile(file.file), { recipe: basicRecipe(), pseudonymizer });
    if (result.kind !== 'instance') continue;
    const path = join(deid, result.studyInstanceUid, result.seriesInstanceUid, `${result.sopInstanceUid}.dcm`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, Buffer.concat(result.chunks));
  }
});

test('dicomdir writes the media folder and says what it wrote and which empty Type 1 keys it filled', async () => {
  const media = join(work, 'media');
  const run = medveil('dicomdir', deid, media);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /DICOMDIR and 6 file\(s\) \(6 linked, 0 copied\)/);
  assert.match(run.stdout, /2 patient\(s\), 2 study\(ies\), 4 series; File-set UID 2\.25\.\d+/);
  assert.match(run.stdout, /STUDY StudyID ×2/, 'the Basic Profile empties Study ID, a Type 1 key of the STUDY record');
  const dicomdir = readDicomFile(readFileSync(join(media, 'DICOMDIR')));
  assert.equal(dicomdir.dataset.getString(Tag.FileSetID), 'MEDVEIL');
  assert.ok(statSync(join(media, 'DICOM', 'P0000001', 'ST000001', 'SE000001', 'I0000001')).isFile());
});

test('dicomdir --fileset-id and --copy are honoured', async () => {
  const media = join(work, 'copied');
  const run = medveil('dicomdir', deid, media, '--fileset-id', 'TRIAL_7', '--copy');
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /\(0 linked, 6 copied\)/);
  assert.equal(readDicomFile(readFileSync(join(media, 'DICOMDIR'))).dataset.getString(Tag.FileSetID), 'TRIAL_7');
});

test('dicomdir refuses a File-set ID that is not a CS of 16 characters, as a usage error, writing nothing', async () => {
  const media = join(work, 'bad-id');
  const run = medveil('dicomdir', deid, media, '--fileset-id', 'trial seven');
  assert.equal(run.code, 2);
  assert.match(run.stderr, /--fileset-id "trial seven"/);
  assert.equal(existsSync(media), false);
});

test('dicomdir exits 1 naming a file that is not DICOM, and leaves no DICOMDIR and no media folder', async () => {
  const spoiled = join(work, 'spoiled');
  mkdirSync(spoiled);
  writeFileSync(join(spoiled, 'README'), 'not DICOM');
  const media = join(work, 'not-written');
  const run = medveil('dicomdir', spoiled, media);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /^README: not a readable DICOM file/);
  assert.equal(existsSync(media), false);
  assert.equal(existsSync(join(media, 'DICOMDIR')), false);
});
