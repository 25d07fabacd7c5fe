import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createPseudonymizer } from '../deid/pseudonym/index.js';
import { basicRecipe } from '../deid/load-recipe.js';
import { createRecipe, type RecipeInit } from '../deid/recipe.js';
import type { DicomFile } from '../dicom/dicom-file.js';
import { readDicomFile } from '../dicom/read-dicom-file.js';
import { encodeDicomFile } from '../dicom/write-dicom-file.js';
import { Tag } from '../dicom/tag.js';
import { MedVeilError } from '../errors.js';
import { frameCodecFor } from '../pixels/frame-codecs.js';
import { parsePixelRules } from '../pixels/pixel-rules.js';
import { readFrames } from '../pixels/read-frames.js';
import { pydicomData } from '../../test/support/pydicom-files.js';
import { type DeidentifiedInstance, deidentifyInstance } from './deidentify-instance.js';

const data = pydicomData();
const sample = (name: string): Buffer => readFileSync(join(data.root, 'test_files', name));
const pseudonymizer = createPseudonymizer(createHash('sha256').update('deidentify-instance test key').digest());
const work = mkdtempSync(join(tmpdir(), 'medveil-deid-instance-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** CT_small.dcm is a GE RHAPSODE CT, 128 x 128, 16-bit signed; the JPEG file an OT secondary capture. */
const rules = parsePixelRules({
  rules: [
    { name: 'test GE RHAPSODE band', match: { manufacturer: 'GE MEDICAL SYSTEMS', model: 'RHAPSODE' }, regions: [{ left: 8, top: 0, width: 40, height: 12 }] },
    { name: 'test OT corner', match: { modality: 'OT', rows: 100 }, regions: [{ left: -30, top: -20 }] },
  ],
}, 'test rules');
const BAND = { left: 8, top: 0, width: 40, height: 12 };

function withBurnedIn(bytes: Uint8Array, value = 'YES'): Buffer {
  const file = readDicomFile(bytes);
  file.dataset.setString(Tag.BurnedInAnnotation, value);
  return encodeDicomFile(file);
}

async function deidentified(bytes: Uint8Array, recipe: RecipeInit = {}): Promise<DeidentifiedInstance> {
  const result = await deidentifyInstance(bytes, { recipe: createRecipe({ name: 'test', ...recipe }), pseudonymizer, pixelRules: rules });
  assert.equal(result.kind, 'instance');
  return result as DeidentifiedInstance;
}

async function firstFrameSamples(file: DicomFile): Promise<Int16Array> {
  const read = readFrames(file);
  const frame = await frameCodecFor(read.transferSyntaxUid).decode(read.frames[0]!, read.geometry);
  return new Int16Array(frame.samples.buffer.slice(frame.samples.byteOffset, frame.samples.byteOffset + frame.samples.length));
}

/** dciodvfy's messages for a file, sorted, without the lines naming the file. */
function dciodvfyErrors(bytes: Uint8Array, name: string): string[] {
  const path = join(work, name);
  writeFileSync(path, bytes);
  const run = spawnSync('dciodvfy', [path], { encoding: 'utf8' });
  if (run.error) throw new Error('dciodvfy could not run: install the Debian package dicom3tools', { cause: run.error });
  return `${run.stdout}${run.stderr}`.split('\n').filter((line) => line.startsWith('Error')).sort();
}

function dcmdumpOf(bytes: Uint8Array, name: string): { status: number | null; stdout: string; stderr: string } {
  const path = join(work, name);
  writeFileSync(path, bytes);
  const run = spawnSync('dcmdump', ['+E', path], { encoding: 'utf8' });
  if (run.error) throw new Error('dcmdump could not run: install the Debian package dcmtk', { cause: run.error });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('deidentifyInstance runs the pixel stage before the header', () => {
  it('fills the rule rectangle of a real CT whose Burned In Annotation is YES, though the recipe removes the device name the rule matches', async () => {
    const input = withBurnedIn(sample('CT_small.dcm'));
    const original = await firstFrameSamples(readDicomFile(input));
    const result = await deidentified(input, { tagActions: [[Tag.Manufacturer, 'X'], [Tag.ManufacturerModelName, 'X']] });
    const output = readDicomFile(Buffer.concat(result.chunks));
    const cleaned = await firstFrameSamples(output);
    let inside = 0;
    for (let row = 0; row < 128; row++) {
      for (let column = 0; column < 128; column++) {
        const at = row * 128 + column;
        const inBand = row >= BAND.top && row < BAND.top + BAND.height && column >= BAND.left && column < BAND.left + BAND.width;
        if (inBand) {
          inside++;
          assert.equal(cleaned[at], -32768, `(${row}, ${column}) holds the fill of signed 16-bit MONOCHROME2`);
        } else {
          assert.equal(cleaned[at], original[at], `(${row}, ${column}) is unchanged`);
        }
      }
    }
    assert.equal(inside, BAND.width * BAND.height);
    assert.ok([...original.subarray(0, 128 * 12)].some((v) => v !== -32768), 'the band held something else before');
    assert.equal(output.dataset.has(Tag.Manufacturer), false, 'the profile ran after the stage');
    assert.equal(output.dataset.getString(Tag.PatientIdentityRemoved), 'YES');
    assert.equal(output.dataset.getString(Tag.BurnedInAnnotation), 'NO');
    const codes = output.dataset.get(Tag.DeidentificationMethodCodeSequence)!.items!.map((item) => item.getString(Tag.CodeValue));
    assert.ok(codes.includes('113101'));
    assert.deepEqual(result.report.pixelStage?.rulesMatched, ['test GE RHAPSODE band']);
    assert.equal(result.report.pixelStage?.regionsFilled, 1);
    assert.equal(output.transferSyntaxUid, '1.2.840.10008.1.2.1');
    assert.equal(output.meta.getString(Tag.TransferSyntaxUID), '1.2.840.10008.1.2.1');
    const dump = dcmdumpOf(Buffer.concat(result.chunks), 'ct-clean.dcm');
    assert.equal(dump.status, 0, dump.stderr);
    assert.equal(dump.stderr, '');
  });

  it('writes a cleaned JPEG baseline image in Explicit VR Little Endian, with a file meta that says so, and no new dciodvfy error', async () => {
    const input = sample('SC_rgb_jpeg_dcmtk.dcm');
    const plain = await deidentified(input);
    const result = await deidentified(input, { options: ['cleanPixelData'] });
    const bytes = Buffer.concat(result.chunks);
    const output = readDicomFile(bytes);
    assert.deepEqual(result.report.pixelStage?.transferSyntaxChanged, { from: '1.2.840.10008.1.2.4.50', to: '1.2.840.10008.1.2.1' });
    assert.equal(output.meta.getString(Tag.TransferSyntaxUID), '1.2.840.10008.1.2.1');
    assert.equal(output.dataset.get(Tag.PixelData)?.fragments, undefined, 'native Pixel Data');
    assert.equal(output.dataset.getString(Tag.LossyImageCompression), '01', 'the earlier lossy step stays recorded');
    assert.equal(output.dataset.getString(Tag.PatientIdentityRemoved), 'YES');
    const dump = dcmdumpOf(bytes, 'jpeg-clean.dcm');
    assert.equal(dump.status, 0, dump.stderr);
    assert.equal(dump.stderr, '');
    assert.match(dump.stdout, /\(0002,0010\) UI =LittleEndianExplicit/);
    // Compared with the same file de-identified without the stage: the stage adds no error.
    const before = dciodvfyErrors(Buffer.concat(plain.chunks), 'jpeg-plain.dcm');
    const errors = dciodvfyErrors(bytes, 'jpeg-clean.dcm');
    assert.deepEqual(errors.filter((line) => !before.includes(line)), []);
  });

  it('leaves Pixel Data as read and lists no 113101 when the stage is not asked for', async () => {
    const input = sample('CT_small.dcm');
    const result = await deidentified(input);
    assert.equal(result.report.pixelStage, undefined);
    const output = readDicomFile(Buffer.concat(result.chunks));
    assert.deepEqual(output.dataset.get(Tag.PixelData)?.value, readDicomFile(input).dataset.get(Tag.PixelData)?.value);
    assert.equal(output.dataset.getString(Tag.PatientIdentityRemoved), 'NO');
  });

  it('refuses, with a reason, what it cannot clean: an undecodable frame, an unknown device under Burned In Annotation YES, visual features', async () => {
    const jpeg = readDicomFile(sample('SC_rgb_jpeg_dcmtk.dcm'));
    const pixels = jpeg.dataset.get(Tag.PixelData)!;
    // A bare JPEG start and end of image: no frame header, nothing to decode.
    jpeg.dataset.set({ tag: pixels.tag, vr: pixels.vr, fragments: { offsetTable: new Uint8Array(0), fragments: [new Uint8Array([0xff, 0xd8, 0xff, 0xd9])] }, undefinedLength: true });
    jpeg.dataset.setString(Tag.BurnedInAnnotation, 'YES');
    await assert.rejects(deidentified(encodeDicomFile(jpeg)), (error: unknown) => error instanceof MedVeilError && error.code === 'pixels');

    const unknownDevice = await deidentifyInstance(withBurnedIn(sample('MR_small.dcm')), { recipe: basicRecipe(), pseudonymizer, pixelRules: rules })
      .then(() => undefined, (error: unknown) => error);
    assert.ok(unknownDevice instanceof MedVeilError && unknownDevice.code === 'deid' && /no pixel rule matches/.test(unknownDevice.message), String(unknownDevice));

    await assert.rejects(deidentified(sample('CT_small.dcm'), { options: ['cleanRecognizableVisualFeatures'] }),
      (error: unknown) => error instanceof MedVeilError && error.code === 'deid' && /Recognizable Visual Features/.test(error.message));
  });

  it('passes every frame to the text finder it is given, and then counts the image as looked at', async () => {
    const seen: number[] = [];
    const result = await deidentifyInstance(withBurnedIn(sample('MR_small.dcm')), {
      recipe: basicRecipe(),
      pseudonymizer,
      pixelRules: [],
      findTextRegions: async (_frame, index) => {
        seen.push(index);
        return index === 0 ? [{ left: 0, top: 0, width: 4, height: 4 }] : [];
      },
    });
    assert.equal(result.kind, 'instance');
    const report = (result as DeidentifiedInstance).report;
    assert.deepEqual(seen, [0]);
    assert.equal(report.pixelStage?.textFinder, true);
    assert.equal(report.pixelStage?.regionsFilled, 1);
    assert.equal(report.patientIdentityRemoved, true);
  });
});
