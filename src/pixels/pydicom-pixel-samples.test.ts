/**
 * pydicom's sample files as a peer: every native and RLE sample decodes to the samples pydicom
 * decodes (its `pixel_array`, laid out as our DecodedFrame), RLE files equal their native twins,
 * and our RLE encoding of each native sample decodes back exactly, with us and with pydicom.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readDicomFile } from '../dicom/read-dicom-file.js';
import { encodeDicomFile } from '../dicom/write-dicom-file.js';
import { MedVeilError } from '../errors.js';
import { RLE_LOSSLESS, rleLosslessCodec } from './codec-rle.js';
import { frameCodecFor } from './frame-codecs.js';
import { readFrames } from './read-frames.js';
import { writeFrames } from './write-frames.js';
import { SYSTEM_PYTHON, pydicomData } from '../../test/support/pydicom-files.js';

const NATIVE = [
  'CT_small.dcm', 'ExplVR_BigEnd.dcm', 'MR_small.dcm', 'MR_small_bigendian.dcm', 'MR_small_expb.dcm', 'MR_small_implicit.dcm',
  'MR_small_padded.dcm', 'SC_rgb_jpeg_dcmd.dcm', 'SC_rgb_small_odd.dcm', 'SC_ybr_full_422_uncompressed.dcm', 'image_dfl.dcm',
  'liver_1frame.dcm', 'liver_expb_1frame.dcm', 'rtdose.dcm', 'rtdose_1frame.dcm', 'rtdose_expb.dcm', 'rtdose_expb_1frame.dcm',
];
const RLE = [
  'MR_small_RLE.dcm', 'SC_rgb_rle.dcm', 'SC_rgb_rle_16bit.dcm', 'SC_rgb_rle_16bit_2frame.dcm', 'SC_rgb_rle_2frame.dcm',
  'SC_rgb_rle_32bit.dcm', 'SC_rgb_rle_32bit_2frame.dcm', 'rtdose_rle.dcm', 'rtdose_rle_1frame.dcm',
];
const TWINS: ReadonlyArray<readonly [string, string]> = [
  ['MR_small_RLE.dcm', 'MR_small.dcm'],
  ['MR_small_expb.dcm', 'MR_small.dcm'],
  ['MR_small_bigendian.dcm', 'MR_small.dcm'],
  ['MR_small_implicit.dcm', 'MR_small.dcm'],
  ['rtdose_rle.dcm', 'rtdose.dcm'],
  ['rtdose_rle_1frame.dcm', 'rtdose_1frame.dcm'],
  ['rtdose_expb.dcm', 'rtdose.dcm'],
  ['rtdose_expb_1frame.dcm', 'rtdose_1frame.dcm'],
  ['liver_expb_1frame.dcm', 'liver_1frame.dcm'],
];

/**
 * pydicom's decoded samples of each file, as SHA-256 of our layout: native little endian,
 * frames in order, planar configuration 1 as planes, 1-bit frames packed from the lowest bit.
 * pydicom expands native YBR_FULL_422 to three samples a pixel, so there the raw value is used.
 */
const PYDICOM_SAMPLES = `
import hashlib, json, sys, warnings
import numpy as np, pydicom
warnings.simplefilter('ignore')
out = {}
for path in json.load(sys.stdin):
    ds = pydicom.dcmread(path)
    frames = int(ds.get('NumberOfFrames', 1) or 1)
    if ds.PhotometricInterpretation == 'YBR_FULL_422' and not ds.file_meta.TransferSyntaxUID.is_compressed:
        data = ds.PixelData[: ds.Rows * ds.Columns * 2 * frames]
    else:
        arr = ds.pixel_array
        if frames == 1:
            arr = arr[None]
        if ds.SamplesPerPixel > 1 and ds.get('PlanarConfiguration', 0) == 1:
            arr = arr.transpose(0, 3, 1, 2)
        if ds.BitsAllocated == 1:
            data = b''.join(np.packbits(f.ravel(), bitorder='little').tobytes() for f in arr)
        else:
            data = np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder('<')).tobytes()
    out[path] = hashlib.sha256(data).hexdigest()
json.dump(out, sys.stdout)
`;

function pydicomSampleDigests(paths: readonly string[]): Record<string, string> {
  const out = execFileSync(SYSTEM_PYTHON, ['-c', PYDICOM_SAMPLES], { input: JSON.stringify(paths), encoding: 'utf8', maxBuffer: 1 << 26 });
  return JSON.parse(out) as Record<string, string>;
}

const root = pydicomData().root;
const pathOf = (name: string) => join(root, 'test_files', name);

async function decodedSamples(bytes: Uint8Array): Promise<Uint8Array> {
  const { transferSyntaxUid, geometry, frames } = readFrames(readDicomFile(bytes));
  const codec = frameCodecFor(transferSyntaxUid);
  const decoded = await Promise.all(frames.map((frame) => codec.decode(frame, geometry)));
  return new Uint8Array(Buffer.concat(decoded.map((d) => d.samples)));
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe("pydicom's native and RLE sample files", () => {
  const scratch = mkdtempSync(join(tmpdir(), 'medveil-pixels-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('every one decodes to the samples pydicom decodes', async () => {
    const names = [...NATIVE, ...RLE];
    const expected = pydicomSampleDigests(names.map(pathOf));
    for (const name of names) {
      assert.equal(sha256(await decodedSamples(readFileSync(pathOf(name)))), expected[pathOf(name)], name);
    }
  });

  it("RLE and big endian files decode to their native twin's Pixel Data bytes", async () => {
    for (const [name, twin] of TWINS) {
      const native = readDicomFile(readFileSync(pathOf(twin))).dataset.get(0x7fe00010)!.value!;
      const samples = await decodedSamples(readFileSync(pathOf(name)));
      assert.deepEqual(samples, native.subarray(0, samples.length), `${name} against ${twin}`);
      assert.ok(native.length - samples.length <= 1, `${twin} has only padding after its frames`);
    }
  });

  it('big endian samples transcoded through their frames to explicit VR little endian hold their twin\'s bytes', async () => {
    for (const [name, twin] of TWINS.filter(([name]) => name.includes('expb') || name.includes('bigendian'))) {
      const file = readDicomFile(readFileSync(pathOf(name)));
      const { transferSyntaxUid, geometry, frames } = readFrames(file);
      const decoded = await Promise.all(frames.map((frame) => frameCodecFor(transferSyntaxUid).decode(frame, geometry)));
      const encoded = await Promise.all(decoded.map((frame) => frameCodecFor('1.2.840.10008.1.2.1').encode(frame, '1.2.840.10008.1.2.1')));
      writeFrames(file, { transferSyntaxUid: '1.2.840.10008.1.2.1', geometry, frames: encoded.map((e) => e.encoded) });
      const written = readDicomFile(encodeDicomFile(file)).dataset.get(0x7fe00010)!.value!;
      const native = readDicomFile(readFileSync(pathOf(twin))).dataset.get(0x7fe00010)!.value!;
      assert.deepEqual(written.subarray(0, native.length), native.subarray(0, written.length), `${name} against ${twin}`);
    }
  });

  it('our RLE encoding of every native and RLE sample decodes back exactly, with us and with pydicom', async () => {
    const written: string[] = [];
    const originals = new Map<string, Uint8Array>();
    for (const name of [...NATIVE, ...RLE]) {
      const bytes = readFileSync(pathOf(name));
      const file = readDicomFile(bytes);
      const { transferSyntaxUid, geometry, frames } = readFrames(file);
      const codec = frameCodecFor(transferSyntaxUid);
      const decoded = await Promise.all(frames.map((frame) => codec.decode(frame, geometry)));
      if (geometry.bitsAllocated === 1 || geometry.photometricInterpretation === 'YBR_FULL_422') {
        // RLE Lossless holds whole bytes and YBR_FULL, never bit-packed or 4:2:2 samples (PS3.5 G.2).
        await assert.rejects(rleLosslessCodec.encode(decoded[0]!, RLE_LOSSLESS), MedVeilError);
        continue;
      }
      const encoded = await Promise.all(decoded.map((frame) => rleLosslessCodec.encode(frame, RLE_LOSSLESS)));
      writeFrames(file, { transferSyntaxUid: RLE_LOSSLESS, geometry: encoded[0]!.geometry, frames: encoded.map((e) => e.encoded) });
      const rle = encodeDicomFile(file);
      const original = new Uint8Array(Buffer.concat(decoded.map((d) => d.samples)));
      assert.deepEqual(await decodedSamples(rle), original, name);
      const path = join(scratch, name);
      writeFileSync(path, rle);
      written.push(path);
      originals.set(path, original);
    }
    const digests = pydicomSampleDigests(written);
    for (const path of written) assert.equal(digests[path], sha256(originals.get(path)!), `pydicom decodes our RLE of ${path}`);
  });

  it('refuses the sample whose Number of Frames is not a number', () => {
    assert.throws(() => readFrames(readDicomFile(readFileSync(pathOf('badVR.dcm')))), /Number of Frames "1A" is not a whole number/);
  });
});
