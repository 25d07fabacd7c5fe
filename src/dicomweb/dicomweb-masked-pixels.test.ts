/**
 * Issue 5, acceptance 3, through the HTTP app: a masked actor's pixel responses hold no run of
 * the original pixel data (every 16-byte window of it, aligned or not, hashed and looked for in
 * every window of every response), and masked and full responses of one instance differ in
 * their cache headers and ETag. Also: text regions are filled before the mosaic, compressed
 * stored syntaxes and multi-frame images are masked and rendered, colour renders for full
 * viewers, and a frame that cannot be decoded is refused with a serious-failure event.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { SensitivityLevel } from '../access/sensitivity-level.js';
import type { DicomFile } from '../dicom/dicom-file.js';
import { readDicomFile } from '../dicom/read-dicom-file.js';
import { Tag } from '../dicom/tag.js';
import { encodeDicomFile } from '../dicom/write-dicom-file.js';
import { ingestInstance } from '../gateway/ingest-instance.js';
import type { PixelMasking } from '../gateway/mask-instance-pixels.js';
import type { DecodedFrame, FrameGeometry } from '../pixels/frame-codec.js';
import { frameCodecFor } from '../pixels/frame-codecs.js';
import { readFrames } from '../pixels/read-frames.js';
import { testGeometry } from '../pixels/testing-image-file.js';
import { writeFrames } from '../pixels/write-frames.js';
import { syntheticCorpus } from '../samples/synthetic-corpus.js';
import { testDicomwebApp, type TestDicomwebApp } from '../../test/support/testing-dicomweb-app.js';
import { multipartParts } from './testing-multipart.js';

const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const RLE = '1.2.840.10008.1.2.5';
const JPEG_LS = '1.2.840.10008.1.2.4.80';
const JPEG_BASELINE = '1.2.840.10008.1.2.4.50';
const JPEG_2000_LOSSLESS = '1.2.840.10008.1.2.4.90';
const HTJ2K_LOSSLESS = '1.2.840.10008.1.2.4.201';
const WINDOW = 16;
/** Where the "device" burns text: the rule below covers it. */
const TEXT = { left: 0, top: 0, width: 32, height: 16 };
const BLOCKS: Record<SensitivityLevel, number> = { 1: 4, 2: 8, 3: 8, 4: 16, 5: 16 };
const masking: PixelMasking = {
  mosaicBlockByLevel: BLOCKS,
  rules: [{ name: 'acme corner', match: { manufacturer: ['acme'] }, regions: [TEXT] }],
};

const work = mkdtempSync(join(tmpdir(), 'medveil-masked-pixels-'));
const corpus = syntheticCorpus({ patients: 1, imagesPerPatient: 10, imageSize: 16, seed: 'masked-pixels' });
const hiddenTokens = corpus.tokens.filter((token) => !token.text.startsWith('2.25.')).map((token) => token.text);
let t: TestDicomwebApp;
let studyUid = '';
let level: SensitivityLevel = 1;
const users = { full: '', masked: '' };

interface Stored {
  readonly url: string;
  /** The original samples of every frame, and the stored Pixel Data bytes. */
  readonly originals: readonly Uint8Array[];
  readonly frames: number;
  readonly geometry: FrameGeometry;
}
const stored = new Map<string, Stored>();

/** Noise over the whole 16-bit (or 8-bit) range, so that every window of the original is unique; a glyph-like pattern in TEXT. */
function texturedFrame(geometry: FrameGeometry, seed: number): DecodedFrame {
  const { rows, columns } = geometry;
  const samplesPerPixel = geometry.samplesPerPixel;
  const bytes = geometry.bitsAllocated / 8;
  const samples = new Uint8Array(rows * columns * samplesPerPixel * bytes);
  let state = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < samples.length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    samples[i] = state & 0xff;
  }
  const view = new DataView(samples.buffer);
  const top = 2 ** geometry.bitsStored - 1;
  for (let row = TEXT.top + 2; row < TEXT.top + TEXT.height - 2; row++) {
    for (let column = TEXT.left + 1; column < TEXT.left + TEXT.width - 1; column++) {
      // Strokes: vertical bars and a middle line, brighter than anything around them.
      if (column % 4 !== 0 && row !== TEXT.top + 8) continue;
      for (let s = 0; s < samplesPerPixel; s++) {
        const index = (row * columns + column) * samplesPerPixel + s;
        if (bytes === 1) view.setUint8(index, top - (column % 3));
        else view.setUint16(index * 2, top - column, true);
      }
    }
  }
  return { geometry, samples };
}

/** One image of the corpus, its pixels replaced by `frames`, stored in `syntax`. */
async function imageFile(file: DicomFile, frames: readonly DecodedFrame[], syntax: string): Promise<{ bytes: Buffer; originals: Uint8Array[] }> {
  const codec = frameCodecFor(syntax);
  const encoded = [];
  for (const frame of frames) encoded.push(await codec.encode(frame, syntax));
  file.dataset.setString(Tag.Manufacturer, 'ACME');
  file.dataset.delete(Tag.NumberOfFrames);
  writeFrames(file, { transferSyntaxUid: syntax, geometry: encoded[0]!.geometry, frames: encoded.map((e) => e.encoded) });
  const bytes = encodeDicomFile(file);
  // What the gateway decodes from the stored file is the original too (a lossy syntax decodes to other samples than were encoded).
  const read = readFrames(readDicomFile(bytes));
  const decoded = [];
  for (const frame of read.frames) decoded.push((await frameCodecFor(syntax).decode(frame, read.geometry)).samples);
  return { bytes, originals: [...frames.map((f) => f.samples), ...decoded, ...read.frames.map((frame) => imageData(syntax, frame))] };
}

/**
 * The part of an encoded frame that carries the image: after the 64-byte RLE header (PS3.5
 * G.5), after the start-of-scan segment of JPEG and JPEG-LS (ITU-T T.81 B.2.3). The tables
 * before it are the encoder's, the same in every stream it writes, the rendered JPEG's too.
 */
function imageData(syntax: string, frame: Uint8Array): Uint8Array {
  if (syntax === RLE) return frame.subarray(64);
  if (syntax !== JPEG_LS && syntax !== JPEG_BASELINE) return frame;
  for (let at = 2; at + 4 <= frame.length;) {
    const length = (frame[at + 2]! << 8) | frame[at + 3]!;
    if (frame[at] === 0xff && frame[at + 1] === 0xda) return frame.subarray(at + 2 + length);
    at += 2 + length;
  }
  throw new Error('setup: no start of scan in the encoded frame');
}

async function ingest(name: string, bytes: Buffer, extra: { originals: Uint8Array[]; frames: number; geometry: FrameGeometry }): Promise<void> {
  const result = await ingestInstance(t.gateway.deps, { kind: 'part10', bytes }, { actor: { user: 'modality' }, department: 'radiology', via: 'stow-rs' });
  if (result.outcome !== 'stored') throw new Error(`setup: ${name} did not ingest: ${JSON.stringify(result)}`);
  studyUid = result.studyUid;
  stored.set(name, { url: `/dicom-web/studies/${result.studyUid}/series/${result.seriesUid}/instances/${result.sopInstanceUid}`, ...extra });
}

before(async () => {
  t = await testDicomwebApp(work, {}, {}, { masking });
  const images = corpus.files.filter(({ file }) => file.dataset.has(Tag.PixelData)).map(({ file }) => file);
  const grey16 = testGeometry({ rows: 64, columns: 64, bitsAllocated: 16, bitsStored: 16 });
  const grey8 = testGeometry({ rows: 64, columns: 64 });
  const rgb = testGeometry({ rows: 64, columns: 64, samplesPerPixel: 3, photometricInterpretation: 'RGB' });
  const cases: Array<[string, FrameGeometry, number, string]> = [
    ['native 16-bit', grey16, 1, EXPLICIT_LE],
    ['multi-frame 16-bit', grey16, 3, EXPLICIT_LE],
    ['RLE 16-bit', grey16, 1, RLE],
    ['JPEG-LS 16-bit', grey16, 1, JPEG_LS],
    ['JPEG 2000 16-bit', grey16, 1, JPEG_2000_LOSSLESS],
    ['HTJ2K 16-bit', grey16, 1, HTJ2K_LOSSLESS],
    ['JPEG baseline 8-bit', grey8, 1, JPEG_BASELINE],
    ['RLE RGB', rgb, 1, RLE],
    ['JPEG baseline RGB', rgb, 1, JPEG_BASELINE],
  ];
  for (const [index, [name, geometry, count, syntax]] of cases.entries()) {
    const frames = Array.from({ length: count }, (_, i) => texturedFrame(geometry, index * 10 + i + 1));
    const { bytes, originals } = await imageFile(images[index]!, frames, syntax);
    await ingest(name, bytes, { originals, frames: count, geometry });
  }
  // A JPEG-LS frame cut off after its header: nothing can decode it.
  const broken = images[cases.length]!;
  const { bytes } = await imageFile(broken, [texturedFrame(grey16, 99)], JPEG_LS);
  const file = readDicomFile(bytes);
  const pixelData = file.dataset.get(Tag.PixelData)!;
  const fragment = pixelData.fragments!.fragments[0]!;
  const cut = Uint8Array.from([...fragment.subarray(0, 40), 0xff, 0xd9]);
  file.dataset.set({ ...pixelData, fragments: { offsetTable: new Uint8Array(0), fragments: [cut] } });
  await ingest('broken JPEG-LS', encodeDicomFile(file), { originals: [fragment.subarray(40)], frames: 1, geometry: grey16 });

  const study = (await t.gateway.index.getStudy({ studyUid }))!;
  level = study.level!;
  users.full = await t.signedIn('carer', ['radiologist'], { departments: ['radiology'], careFor: [study.patientRef!] });
  users.masked = await t.signedIn('colleague', ['radiologist'], { departments: ['radiology'] });
});
after(async () => {
  await t.close();
  rmSync(work, { recursive: true, force: true });
});

async function get(who: keyof typeof users, url: string, headers: Record<string, string> = {}) {
  return t.app.inject({ method: 'GET', url, headers: { authorization: users[who], ...headers } });
}

const digest = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('base64');

/**
 * The hash of every window of WINDOW bytes of the originals, at every offset, that is noise (at
 * least 8 distinct bytes): the runs of zeros in a codestream's header (RLE's unused segment
 * offsets) also fill a file's preamble, and say nothing about the image.
 */
function originalWindows(originals: readonly Uint8Array[]): Set<string> {
  const out = new Set<string>();
  for (const original of originals) {
    for (let at = 0; at + WINDOW <= original.length; at++) {
      const window = original.subarray(at, at + WINDOW);
      if (new Set(window).size >= 8) out.add(digest(window));
    }
  }
  return out;
}

/** The offsets in `body` where a window of the originals starts. */
function leakedWindows(body: Uint8Array, windows: ReadonlySet<string>): number[] {
  const found: number[] = [];
  for (let at = 0; at + WINDOW <= body.length; at++) if (windows.has(digest(body.subarray(at, at + WINDOW)))) found.push(at);
  return found;
}

const masks = () => Object.fromEntries([...stored].filter(([name]) => name !== 'broken JPEG-LS'));

describe('masked pixels (issue 5, acceptance 3)', () => {
  test('the windows of the original are unique enough to be found: the full view of the same resources holds them', async () => {
    const image = stored.get('native 16-bit')!;
    const windows = originalWindows(image.originals);
    const response = await get('full', `${image.url}/frames/1`, { accept: 'multipart/related; type="application/octet-stream"' });
    assert.equal(response.statusCode, 200);
    assert.ok(leakedWindows(response.rawPayload, windows).length > 1000, 'the check finds the original where it is served');
  });

  test('no 16-byte window of the original pixel data appears in any masked response: instance, frames, bulk data, rendered, thumbnail, WADO-URI', async () => {
    for (const [name, image] of Object.entries(masks())) {
      const windows = originalWindows(image.originals);
      const all = Array.from({ length: image.frames }, (_, i) => i + 1).join(',');
      const urls: Array<[string, Record<string, string>]> = [
        [image.url, { accept: 'multipart/related; type="application/dicom"' }],
        [`${image.url}/frames/${all}`, { accept: 'multipart/related; type="application/octet-stream"' }],
        [`${image.url}/bulkdata/7FE00010`, { accept: 'multipart/related; type="application/octet-stream"' }],
        [`${image.url}/rendered`, { accept: 'image/png' }],
        [`${image.url}/frames/${image.frames}/rendered`, { accept: 'image/jpeg' }],
        [`${image.url}/thumbnail`, { accept: 'image/png' }],
        [`/wado?requestType=WADO&${wadoUids(image.url)}&contentType=application%2Fdicom`, {}],
      ];
      for (const [url, headers] of urls) {
        t.events.length = 0;
        const response = await get('masked', url, headers);
        assert.equal(response.statusCode, 200, `${name} ${url}: ${response.body.slice(0, 300)}`);
        assert.deepEqual(leakedWindows(response.rawPayload, windows), [], `${name} ${url}`);
        assert.deepEqual(hiddenTokens.filter((token) => response.rawPayload.includes(Buffer.from(token))), [], `${name} ${url}`);
        const event = t.events.find((e) => e.type === 'view-masked');
        assert.equal(event?.outcome, 'success', `${name} ${url}`);
        assert.equal(event.detail?.mosaicBlock, String(BLOCKS[level]), `${name} ${url}`);
        assert.equal(t.events.some((e) => e.type === 'view'), false, `${name} ${url}: no full view recorded`);
      }
    }
  });

  test('the masked instance is Explicit VR Little Endian with its text region filled solid before the whole frame was mosaicked', async () => {
    const image = stored.get('multi-frame 16-bit')!;
    const response = await get('masked', image.url, { accept: 'multipart/related; type="application/dicom"' });
    const [part] = multipartParts(String(response.headers['content-type']), response.rawPayload);
    assert.equal(part!.headers.get('content-type'), `application/dicom; transfer-syntax=${EXPLICIT_LE}`);
    const file = readDicomFile(part!.body);
    assert.equal(file.transferSyntaxUid, EXPLICIT_LE);
    assert.equal(file.dataset.getNumber(Tag.NumberOfFrames), 3);
    const read = readFrames(file);
    const block = BLOCKS[level];
    for (const frame of read.frames) {
      const view = Buffer.from(frame);
      const at = (row: number, column: number) => view.readUInt16LE((row * 64 + column) * 2);
      for (let row = TEXT.top; row < TEXT.top + TEXT.height; row++) for (let column = TEXT.left; column < TEXT.left + TEXT.width; column++) assert.equal(at(row, column), 0);
      for (let row = 0; row < 64; row++) for (let column = 0; column < 64; column++) {
        assert.equal(at(row, column), at(row - (row % block), column - (column % block)), `pixel ${row},${column} equals its block`);
      }
    }
    // A block outside the text holds the mean of the noise, not a fill.
    assert.notEqual(Buffer.from(read.frames[0]!).readUInt16LE((40 * 64 + 40) * 2), 0);
  });

  test('full and masked responses of one instance differ in Cache-Control and ETag; If-None-Match answers 304 to the full view only, after recording it', async () => {
    const image = stored.get('native 16-bit')!;
    for (const [url, accept] of [[image.url, 'multipart/related; type="application/dicom"'], [`${image.url}/frames/1`, 'multipart/related; type="application/octet-stream"'], [`${image.url}/rendered`, 'image/png']] as const) {
      const full = await get('full', url, { accept });
      const masked = await get('masked', url, { accept });
      assert.equal(full.headers['cache-control'], 'private, no-cache', url);
      assert.equal(masked.headers['cache-control'], 'no-store', url);
      for (const response of [full, masked]) assert.equal(response.headers.vary, 'Authorization, Cookie', url);
      const fullTag = String(full.headers.etag);
      const maskedTag = String(masked.headers.etag);
      assert.match(fullTag, /^"f-/);
      assert.match(maskedTag, /^"m-/);
      assert.notEqual(fullTag, maskedTag);

      t.events.length = 0;
      const again = await get('full', url, { accept, 'if-none-match': fullTag });
      assert.equal(again.statusCode, 304, url);
      assert.equal(again.rawPayload.length, 0);
      assert.equal(again.headers.etag, fullTag);
      assert.ok(t.events.some((e) => e.type === 'view' && e.outcome === 'success'), `${url}: the 304 is a recorded view`);
      // The masked actor presenting the full tag, or its own, gets a fresh masked answer.
      for (const tag of [fullTag, maskedTag]) assert.equal((await get('masked', url, { accept, 'if-none-match': tag })).statusCode, 200, url);
    }
    const other = await get('full', `${image.url}/rendered`, { accept: 'image/png', 'if-none-match': String((await get('full', image.url, { accept: 'multipart/related; type="application/dicom"' })).headers.etag) });
    assert.equal(other.statusCode, 200, 'one representation\'s tag does not match another');
    assert.equal((await get('full', `${image.url}/rendered`, { accept: 'image/png', 'if-none-match': '*' })).statusCode, 304);
  });

  test('full viewers get renderings of every stored syntax, grey and colour, as PNG and JPEG', async () => {
    for (const [name, image] of Object.entries(masks())) {
      for (const accept of ['image/png', 'image/jpeg']) {
        const response = await get('full', `${image.url}/frames/${image.frames}/rendered`, { accept });
        assert.equal(response.statusCode, 200, `${name} ${accept}: ${response.body.slice(0, 300)}`);
        assert.equal(response.headers['content-type'], accept);
        if (accept === 'image/png') assert.equal(response.rawPayload[25], image.geometry.samplesPerPixel === 3 ? 2 : 0, `${name}: PNG colour type`);
      }
    }
  });

  test('a frame that cannot be decoded is refused, with a serious failure recorded and nothing of the image served', async () => {
    const image = stored.get('broken JPEG-LS')!;
    for (const [url, accept] of [[image.url, 'multipart/related; type="application/dicom"'], [`${image.url}/frames/1`, 'multipart/related; type="application/octet-stream"'], [`${image.url}/rendered`, 'image/png']] as const) {
      t.events.length = 0;
      const response = await get('masked', url, { accept });
      assert.equal(response.statusCode, 422, `${url}: ${response.body}`);
      assert.equal(response.json<{ error: string }>().error, 'masking-failed');
      assert.equal(response.rawPayload.includes(Buffer.from('DICM')), false);
      assert.deepEqual(leakedWindows(response.rawPayload, originalWindows(image.originals)), []);
      assert.ok(t.events.some((e) => e.type === 'view-masked' && e.outcome === 'serious-failure' && e.detail?.failure === 'masking-failed'), url);
      assert.equal(t.events.some((e) => e.outcome === 'success' && (e.type === 'view-masked' || e.type === 'view')), false, url);
    }
  });

  test('a frame past the last is 404 for a masked actor too, recorded as a refusal, nothing served', async () => {
    const image = stored.get('multi-frame 16-bit')!;
    t.events.length = 0;
    const response = await get('masked', `${image.url}/frames/4`, { accept: 'multipart/related; type="application/octet-stream"' });
    assert.equal(response.statusCode, 404);
    assert.equal(response.json<{ error: string }>().error, 'no-such-frame');
    assert.ok(t.events.some((e) => e.type === 'deny' && e.detail?.reason === 'no-such-frame'));
    assert.equal(t.events.some((e) => e.type === 'view-masked'), false);
  });
});

function wadoUids(url: string): string {
  const [, study, series, instance] = /studies\/([^/]+)\/series\/([^/]+)\/instances\/([^/]+)/.exec(url)!;
  return `studyUID=${study}&seriesUID=${series}&objectUID=${instance}`;
}
