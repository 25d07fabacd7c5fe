/**
 * Native Pixel Data of pydicom's explicit VR big endian files, written little endian and back,
 * and compared with the little endian twins pydicom ships and with dcmtk's conversion.
 * The byte order rule is `pixelDataSwapWidth` (src/dicom/write-swap-bytes.ts).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { EXPLICIT_BIG } from '../src/dicom/dataset.js';
import type { DicomFile } from '../src/dicom/dicom-file.js';
import { readDicomFile } from '../src/dicom/read-dicom-file.js';
import { Tag } from '../src/dicom/tag.js';
import { writeDataset } from '../src/dicom/write-dataset.js';
import { encodeDicomFile } from '../src/dicom/write-dicom-file.js';
import { ELE, concat, element, part10, u16, uid } from './support/dicom-bytes.js';
import { pydicomData } from './support/pydicom-files.js';

const EXPLICIT_LITTLE_UID = '1.2.840.10008.1.2.1';
const EXPLICIT_BIG_UID = '1.2.840.10008.1.2.2';

const { root, files } = pydicomData();

/** Every pydicom file that we read as explicit VR big endian, with native Pixel Data or without. */
const bigEndian = files.flatMap((name) => {
  if (!name.endsWith('.dcm')) return [];
  let file: DicomFile;
  try {
    file = readDicomFile(readFileSync(join(root, name)));
  } catch {
    return [];
  }
  return file.transferSyntaxUid === EXPLICIT_BIG_UID ? [{ name, file }] : [];
});

const TWINS: ReadonlyArray<readonly [string, string]> = [
  ['test_files/rtdose_expb.dcm', 'test_files/rtdose.dcm'],
  ['test_files/rtdose_expb_1frame.dcm', 'test_files/rtdose_1frame.dcm'],
  ['test_files/MR_small_expb.dcm', 'test_files/MR_small.dcm'],
  ['test_files/MR_small_bigendian.dcm', 'test_files/MR_small.dcm'],
  ['test_files/liver_expb_1frame.dcm', 'test_files/liver_1frame.dcm'],
];

function pixelData(file: DicomFile): Uint8Array | undefined {
  return file.dataset.get(Tag.PixelData)?.value;
}

function asLittleEndian(file: DicomFile): DicomFile {
  return readDicomFile(encodeDicomFile(file, { transferSyntaxUid: EXPLICIT_LITTLE_UID }));
}

/** Each 4-byte unit with its two 16-bit halves exchanged. */
function exchangeHalves(value: Uint8Array): Uint8Array {
  const out = new Uint8Array(value.length);
  for (let at = 0; at + 4 <= value.length; at += 4) {
    out.set(value.subarray(at + 2, at + 4), at);
    out.set(value.subarray(at, at + 2), at + 2);
  }
  return out;
}

/** dcmtk's `dcmconv` of the file at `path` to `+te` or `+tb`, read back by us. */
function dcmconv(path: string, syntax: '+te' | '+tb' = '+te'): DicomFile {
  const dir = mkdtempSync(join(tmpdir(), 'medveil-dcmconv-'));
  try {
    const out = join(dir, 'out.dcm');
    const run = spawnSync('dcmconv', [syntax, path, out], { encoding: 'utf8' });
    if (run.error) throw new Error('dcmconv (dcmtk) could not run: install the Debian package dcmtk', { cause: run.error });
    assert.equal(run.status, 0, `${run.stdout}${run.stderr}`);
    return readDicomFile(readFileSync(out));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('big endian native Pixel Data', () => {
  it('finds the big endian sample files pydicom ships', () => {
    const names = bigEndian.map(({ name }) => name);
    for (const [big] of TWINS) assert.ok(names.includes(big), `${big} is not read as explicit VR big endian`);
  });

  for (const [big, little] of TWINS) {
    it(`${big} written as explicit VR little endian has the Pixel Data bytes of its little endian twin ${little}`, () => {
      const ours = asLittleEndian(readDicomFile(readFileSync(join(root, big))));
      const twin = readDicomFile(readFileSync(join(root, little)));
      assert.ok(twin.dataset.encoding.littleEndian, `${little} is not little endian`);
      assert.deepEqual(pixelData(ours), pixelData(twin));
    });
  }

  it('every big endian pydicom file written little endian and back to big endian reproduces its data set bytes', () => {
    for (const { name, file } of bigEndian) {
      const original = Buffer.concat(writeDataset(file.dataset, EXPLICIT_BIG));
      const back = Buffer.concat(writeDataset(asLittleEndian(file).dataset, EXPLICIT_BIG));
      assert.ok(original.equals(back), `${name} changed on the way through little endian`);
    }
  });

  it('dcmconv +te gives our Pixel Data for 8 and 16 bits; for 32 bits in OW it swaps by 16-bit words, so each sample\'s halves differ from ours', () => {
    for (const { name, file } of bigEndian) {
      const ours = pixelData(asLittleEndian(file));
      if (ours === undefined) continue;
      const theirs = pixelData(dcmconv(join(root, name)));
      const wide = file.dataset.get(Tag.PixelData)!.vr === 'OW' && file.dataset.getNumber(Tag.BitsAllocated) === 32;
      assert.deepEqual(theirs, wide ? exchangeHalves(ours) : ours, name);
    }
  });

  it('dcmconv +tb and we write 8-bit samples in OW by swapped 16-bit words and 16-bit samples by sample; 32-bit samples differ as above', () => {
    const little = new Uint8Array(16).map((_, i) => i + 1);
    for (const bitsAllocated of [8, 16, 32]) {
      const bytes = part10(EXPLICIT_LITTLE_UID, concat(
        element(ELE, Tag.SOPClassUID, 'UI', uid('1.2.840.10008.5.1.4.1.1.7')),
        element(ELE, Tag.SOPInstanceUID, 'UI', uid('1.2.3.4')),
        element(ELE, Tag.SamplesPerPixel, 'US', u16([1])),
        element(ELE, Tag.Rows, 'US', u16([1])),
        element(ELE, Tag.Columns, 'US', u16([(16 * 8) / bitsAllocated])),
        element(ELE, Tag.BitsAllocated, 'US', u16([bitsAllocated])),
        element(ELE, Tag.BitsStored, 'US', u16([bitsAllocated])),
        element(ELE, Tag.HighBit, 'US', u16([bitsAllocated - 1])),
        element(ELE, Tag.PixelRepresentation, 'US', u16([0])),
        element(ELE, Tag.PixelData, 'OW', little),
      ));
      const dir = mkdtempSync(join(tmpdir(), 'medveil-ow-'));
      try {
        const path = join(dir, 'in.dcm');
        writeFileSync(path, bytes);
        const ours = pixelData(readDicomFile(encodeDicomFile(readDicomFile(bytes), { transferSyntaxUid: EXPLICIT_BIG_UID })))!;
        const theirs = pixelData(dcmconv(path, '+tb'))!;
        assert.deepEqual(theirs, bitsAllocated === 32 ? exchangeHalves(ours) : ours, `Bits Allocated ${bitsAllocated}`);
        assert.deepEqual(ours.subarray(0, 4), bitsAllocated === 32 ? Uint8Array.from([4, 3, 2, 1]) : Uint8Array.from([2, 1, 4, 3]));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });
});
