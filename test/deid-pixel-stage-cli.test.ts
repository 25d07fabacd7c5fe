/**
 * `medveil deid` with the pixel stage (issue 5): `--pixel-rules` adds a user's rules, a file
 * whose pixels cannot be cleaned is quarantined with its reason and never written, a cleaned
 * file is read by dcmtk and dicom3tools, and a large image the stage cleans is read whole
 * instead of through the sparse read (whose unread middle would otherwise be decoded).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { parseKeyFile } from '../src/crypto/key-file.js';
import { createPseudonymizer } from '../src/deid/pseudonym/index.js';
import { basicRecipe } from '../src/deid/load-recipe.js';
import { readDicomFile } from '../src/dicom/read-dicom-file.js';
import { Tag } from '../src/dicom/tag.js';
import { encodeDicomFile } from '../src/dicom/write-dicom-file.js';
import { deidentifyInstance } from '../src/gateway/deidentify-instance.js';
import { defaultPixelRules, parsePixelRules } from '../src/pixels/pixel-rules.js';
import { syntheticCorpus } from '../src/samples/synthetic-corpus.js';
import { frameCodecFor } from '../src/pixels/frame-codecs.js';
import { readFrames } from '../src/pixels/read-frames.js';
import { burnedInTextFile, renderBurnedInText, unfilledPixels } from './support/burned-in-text.js';
import { listFiles, medveil, temporaryFolder } from './support/medveil-cli.js';
import { pydicomData } from './support/pydicom-files.js';
import { readQuarantineReasons } from './support/quarantine-reasons.js';

let work: string;
let keyFile: string;
const testFiles = join(pydicomData().root, 'test_files');

before(() => {
  work = temporaryFolder('deid-pixel-stage');
  keyFile = join(work, 'deid.key');
  assert.equal(medveil(['keygen', '--out', keyFile]).status, 0);
});

function burnedIn(bytes: Uint8Array, change: (file: ReturnType<typeof readDicomFile>) => void = () => undefined): Buffer {
  const file = readDicomFile(bytes);
  file.dataset.setString(Tag.BurnedInAnnotation, 'YES');
  change(file);
  return encodeDicomFile(file);
}

function dciodvfyErrors(path: string): string[] {
  const run = spawnSync('dciodvfy', [path], { encoding: 'utf8' });
  if (run.error) throw new Error('dciodvfy could not run: install the Debian package dicom3tools', { cause: run.error });
  return `${run.stdout}${run.stderr}`.split('\n').filter((line) => line.startsWith('Error')).sort();
}

const CT_RULES_YAML = `rules:
  - name: test RHAPSODE band
    source: a test of --pixel-rules
    match: { manufacturer: GE MEDICAL SYSTEMS, model: RHAPSODE }
    regions:
      - { left: 0, top: 0, height: 10 }
`;

test('--pixel-rules: the undecodable file is quarantined with its reason, the good one is written cleaned, and dcmdump and dciodvfy read it', () => {
  const input = join(work, 'mixed');
  mkdirSync(input, { recursive: true });
  const good = burnedIn(readFileSync(join(testFiles, 'CT_small.dcm')));
  writeFileSync(join(input, 'good.dcm'), good);
  writeFileSync(join(input, 'bad.dcm'), burnedIn(readFileSync(join(testFiles, 'SC_rgb_jpeg_dcmtk.dcm')), (file) => {
    const pixels = file.dataset.get(Tag.PixelData)!;
    file.dataset.set({ tag: pixels.tag, vr: pixels.vr, fragments: { offsetTable: new Uint8Array(0), fragments: [new Uint8Array([0xff, 0xd8, 0xff, 0xd9])] }, undefinedLength: true });
  }));
  const rules = join(work, 'ct-rules.yaml');
  writeFileSync(rules, CT_RULES_YAML);
  const out = join(work, 'mixed-out');
  const run = medveil(['deid', input, out, '--key-file', keyFile, '--pixel-rules', rules, '--jobs', '1', '--report', join(work, 'mixed.jsonl')]);
  assert.equal(run.status, 1, run.stdout + run.stderr);

  const reasons = readQuarantineReasons(`${out}.quarantine`);
  assert.deepEqual(reasons.map((r) => r.input), ['bad.dcm']);
  assert.match(reasons[0]!.reason, /JPEG|frame|decode/i);
  assert.ok(readFileSync(join(`${out}.quarantine`, reasons[0]!.file)).equals(readFileSync(join(input, 'bad.dcm'))), 'the quarantine holds the original');

  const written = listFiles(out);
  assert.equal(written.length, 1);
  const path = join(out, written[0]!);
  const output = readDicomFile(readFileSync(path));
  assert.equal(output.dataset.getString(Tag.PatientIdentityRemoved), 'YES');
  assert.equal(output.dataset.getString(Tag.BurnedInAnnotation), 'NO');
  const pixels = output.dataset.get(Tag.PixelData)!.value!;
  const original = readDicomFile(good).dataset.get(Tag.PixelData)!.value!;
  const band = 128 * 10 * 2;
  assert.ok(pixels.subarray(0, band).every((byte, i) => byte === (i % 2 === 0 ? 0x00 : 0x80)), 'rows 0-9 hold -32768');
  assert.ok(Buffer.from(pixels.subarray(band)).equals(Buffer.from(original.subarray(band))), 'the other rows are unchanged');
  const line = JSON.parse(readFileSync(join(work, 'mixed.jsonl'), 'utf8').trim()) as { report: { pixelStage: { rulesMatched: string[] } } };
  assert.deepEqual(line.report.pixelStage.rulesMatched, ['test RHAPSODE band']);

  const dump = spawnSync('dcmdump', ['+E', path], { encoding: 'utf8' });
  assert.equal(dump.status, 0, dump.stderr);
  assert.equal(dump.stderr, '');
  const inputPath = join(work, 'good-input.dcm');
  writeFileSync(inputPath, good);
  assert.deepEqual(dciodvfyErrors(path).filter((e) => !dciodvfyErrors(inputPath).includes(e)), []);
});

test('a burned-in image no rule matches is quarantined, naming --pixel-rules and --ocr', () => {
  const input = join(work, 'unknown-device');
  mkdirSync(input, { recursive: true });
  writeFileSync(join(input, 'mr.dcm'), burnedIn(readFileSync(join(testFiles, 'MR_small.dcm'))));
  const out = join(work, 'unknown-device-out');
  const run = medveil(['deid', input, out, '--key-file', keyFile, '--jobs', '1']);
  assert.equal(run.status, 1, run.stdout + run.stderr);
  const reasons = readQuarantineReasons(`${out}.quarantine`);
  assert.equal(reasons.length, 1);
  assert.match(reasons[0]!.reason, /Burned In Annotation is YES, no pixel rule matches/);
  assert.equal(existsSync(out) ? listFiles(out).length : 0, 0);
});

test('a mistake in the pixel rules file stops the run before any file is read, naming the rule and field', () => {
  const input = join(work, 'rules-mistake');
  mkdirSync(input, { recursive: true });
  writeFileSync(join(input, 'ct.dcm'), readFileSync(join(testFiles, 'CT_small.dcm')));
  const rules = join(work, 'bad-rules.json');
  writeFileSync(rules, JSON.stringify({ rules: [{ name: 'typo', match: { manufacturor: 'GE' }, regions: [{ left: 0, top: 0 }] }] }));
  const out = join(work, 'rules-mistake-out');
  const run = medveil(['deid', input, out, '--key-file', keyFile, '--pixel-rules', rules]);
  assert.notEqual(run.status, 0);
  assert.match(run.stderr, /rule "typo".*manufacturor/);
  assert.equal(existsSync(out), false);
});

test('a large image the stage cleans is read whole: the output equals the in-memory result, and the rectangle is filled', async () => {
  const corpus = syntheticCorpus({ patients: 1, imagesPerPatient: 2, imageSize: 1200, seed: 'large burned in' });
  const input = join(work, 'large');
  mkdirSync(input, { recursive: true });
  const inputs = corpus.files.filter((f) => f.file.dataset.has(Tag.PixelData)).map((f) => burnedIn(encodeDicomFile(f.file)));
  assert.ok(inputs.length >= 2 && inputs.every((bytes) => bytes.length > 2 * 1024 * 1024), 'large enough for the sparse read');
  inputs.forEach((bytes, i) => writeFileSync(join(input, `f${i}.dcm`), bytes));
  const rulesDocument = { rules: [{ name: 'test large CR corner', match: { modality: 'CR', rows: { min: 1000 } }, regions: [{ left: 0, top: 0, width: 300, height: 50 }] }] };
  const rules = join(work, 'large-rules.json');
  writeFileSync(rules, JSON.stringify(rulesDocument));
  const out = join(work, 'large-out');
  const run = medveil(['deid', input, out, '--key-file', keyFile, '--pixel-rules', rules, '--jobs', '1']);
  assert.equal(run.status, 0, run.stdout + run.stderr);

  const key = parseKeyFile(readFileSync(keyFile, 'utf8'), keyFile).key;
  const pixelRules = [...defaultPixelRules(), ...parsePixelRules(rulesDocument, 'large-rules.json')];
  for (const bytes of inputs) {
    const expected = await deidentifyInstance(bytes, { recipe: basicRecipe(), pseudonymizer: createPseudonymizer(key), pixelRules });
    if (expected.kind !== 'instance') throw new Error('not an instance');
    const path = join(out, expected.studyInstanceUid, expected.seriesInstanceUid, `${expected.sopInstanceUid}.dcm`);
    const written = readFileSync(path);
    assert.ok(written.equals(Buffer.concat(expected.chunks)), 'the CLI wrote what the use case writes from the whole file');
    const pixels = readDicomFile(written).dataset.get(Tag.PixelData)!.value!;
    const originalPixels = readDicomFile(bytes).dataset.get(Tag.PixelData)!.value!;
    const columns = 1200;
    for (const row of [0, 49]) {
      const start = row * columns * 2;
      assert.ok(pixels.subarray(start, start + 600).every((b) => b === 0), `row ${row} is filled`);
    }
    assert.ok(Buffer.from(pixels.subarray(50 * columns * 2)).equals(Buffer.from(originalPixels.subarray(50 * columns * 2))), 'rows from 50 on are unchanged');
  }
});

test('--ocr: a burned-in CR no rule knows is written with its text filled, not quarantined; an unknown language stops the run', async () => {
  const image = renderBurnedInText({
    width: 512, height: 400, bits: 16, background: { kind: 'anatomy-like', seed: 3 },
    texts: [{ text: 'DOE^JANE 0012345', x: 12, y: 10, font: 'DejaVu Sans Mono', size: 22 }, { text: '2026-11-23', x: 340, y: 360, size: 20 }],
  });
  const file = await burnedInTextFile(image, { modality: 'CR', bitsStored: 12 });
  file.dataset.setString(Tag.BurnedInAnnotation, 'YES');
  const input = join(work, 'ocr');
  mkdirSync(input, { recursive: true });
  writeFileSync(join(input, 'cr.dcm'), encodeDicomFile(file));

  const refused = medveil(['deid', input, join(work, 'ocr-unknown-language-out'), '--key-file', keyFile, '--ocr', 'eng,klingon']);
  assert.notEqual(refused.status, 0);
  assert.match(refused.stderr, /klingon/);
  assert.equal(existsSync(join(work, 'ocr-unknown-language-out')), false);

  const out = join(work, 'ocr-out');
  const run = medveil(['deid', input, out, '--key-file', keyFile, '--ocr', 'eng', '--jobs', '1', '--report', join(work, 'ocr.jsonl')]);
  assert.equal(run.status, 0, run.stdout + run.stderr);
  const written = listFiles(out);
  assert.equal(written.length, 1);
  const output = readDicomFile(readFileSync(join(out, written[0]!)));
  assert.equal(output.dataset.getString(Tag.PatientIdentityRemoved), 'YES');
  const read = readFrames(output);
  const frame = await frameCodecFor(read.transferSyntaxUid).decode(read.frames[0]!, read.geometry);
  for (const box of image.boxes) assert.equal(unfilledPixels(frame, box), 0, `the text at (${box.left}, ${box.top}) is covered`);
  const line = JSON.parse(readFileSync(join(work, 'ocr.jsonl'), 'utf8').trim()) as { report: { pixelStage: { textFinder: boolean; rulesMatched: string[] } } };
  assert.equal(line.report.pixelStage.textFinder, true);
  assert.deepEqual(line.report.pixelStage.rulesMatched, []);
});
