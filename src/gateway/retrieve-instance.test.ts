import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { after, before, describe, test } from 'node:test';
import type { Grant } from '../access/grant.js';
import { dataDigests } from '../crypto/data-digest.js';
import { readDicomFile } from '../dicom/read-dicom-file.js';
import { Tag } from '../dicom/tag.js';
import { syntheticCorpus } from '../samples/synthetic-corpus.js';
import { FsBlobStore } from '../storage/adapters/fs-blob-store.js';
import { part10DataSetOffset } from './retrieve-instance-data-set.js';
import type { PixelMasking } from './mask-instance-pixels.js';
import { retrieveInstance, type RetrieveRequest, type RetrieveResult } from './retrieve-instance.js';
import { ingestCorpus, type IngestedStudy, openTestGateway, TEST_NOW, type TestGateway } from '../../test/support/retrieve-instance-test-gateway.js';

const work = mkdtempSync(join(tmpdir(), 'medveil-retrieve-'));
const corpus = syntheticCorpus({ patients: 3, imagesPerPatient: 2, imageSize: 16, seed: 'retrieve-instance' });
const hiddenTokens = corpus.tokens.filter((token) => !token.text.startsWith('2.25.'));
let gateway: TestGateway;
let studies: IngestedStudy[];

before(async () => {
  // Segments of 1 KiB, so that the small test objects span several and a stream can fail past its first.
  gateway = await openTestGateway(work, { segmentLog2: 10 });
  studies = await ingestCorpus(gateway, corpus, ['radiology', 'radiology', 'psychiatry']);
  await gateway.addUser('rad', ['radiologist'], { departments: ['radiology'], careFor: [studies[0]!.patientRef] });
  await gateway.addUser('psy-rad', ['radiologist'], { departments: ['psychiatry'] });
  await gateway.addUser('outsider', ['clinician'], { departments: ['cardiology'] });
});
after(async () => {
  await gateway.close();
  rmSync(work, { recursive: true, force: true });
});

/** The first image (with pixel data) of the n-th study, as a request for it. */
function image(study: number, overrides: Partial<RetrieveRequest> = {}): RetrieveRequest {
  const s = studies[study]!;
  const instance = s.instances.find((i) => i.hasPixels)!;
  return { path: { studyUid: s.studyUid, seriesUid: instance.seriesUid, sopInstanceUid: instance.sopInstanceUid }, action: 'view', part: 'instance', via: 'wado-rs', ...overrides };
}

async function retrieve(user: string, request: RetrieveRequest): Promise<RetrieveResult> {
  gateway.events.length = 0;
  return retrieveInstance(gateway.deps, await gateway.actingUser(user), request);
}

describe('retrieveInstance()', () => {
  test('full: the stored bytes exactly as ingested, the data set offset after the File Meta, and a view event with their digest', async () => {
    const result = await retrieve('rad', image(0));
    assert.equal(result.outcome, 'full');
    assert.ok(result.outcome === 'full');
    const ingested = studies[0]!.instances.find((i) => i.hasPixels)!;
    assert.ok(result.bytes.equals(ingested.bytes));
    const file = readDicomFile(ingested.bytes);
    const metaEnd = 132 + 12 + file.meta.getNumber(Tag.FileMetaInformationGroupLength)!;
    assert.equal(result.dataSetOffset, metaEnd);
    assert.equal(result.instance.sopInstanceUid, ingested.sopInstanceUid);
    assert.deepEqual(gateway.events, [{
      type: 'view',
      outcome: 'success',
      actor: { user: 'rad', role: 'radiologist' },
      objects: [{ study: studies[0]!.studyUid, series: ingested.seriesUid, instance: ingested.sopInstanceUid, patient: studies[0]!.patientRef }],
      digests: dataDigests(ingested.bytes, 'intl'),
      detail: { via: 'wado-rs', action: 'view', effect: 'full', reasons: 'care-relationship' },
    }]);
  });

  test('masked header: de-identified by the masked-view recipe, without pixel data, UIDs kept, and a view-masked event with the digest of what was served', async () => {
    const result = await retrieve('rad', image(1, { part: 'header' }));
    assert.equal(result.outcome, 'masked');
    assert.ok(result.outcome === 'masked');
    const served = Buffer.concat(result.chunks);
    const reread = readDicomFile(served);
    assert.equal(reread.dataset.has(Tag.PixelData), false);
    assert.equal(reread.dataset.getString(Tag.SOPInstanceUID), image(1).path.sopInstanceUid);
    assert.equal(reread.dataset.getString(Tag.StudyInstanceUID), studies[1]!.studyUid);
    assert.equal(reread.dataset.getString(Tag.PatientIdentityRemoved), 'YES');
    assert.deepEqual(hiddenTokens.filter((token) => served.includes(Buffer.from(token.bytes))).map((t) => t.place), []);
    assert.equal(gateway.events.length, 1);
    assert.equal(gateway.events[0]!.type, 'view-masked');
    assert.deepEqual(gateway.events[0]!.digests, dataDigests(served, 'intl'));
    assert.equal(gateway.events[0]!.detail?.recipe, 'masked-view');
  });

  test('the original holds the planted tokens the masked header lacks (the check above can fail)', () => {
    const original = studies[1]!.instances.find((i) => i.hasPixels)!.bytes;
    assert.ok(hiddenTokens.filter((token) => original.includes(Buffer.from(token.bytes))).length > 10);
  });

  test('masked pixels: a text finder sees each frame after the rules, the study\'s level picks the block, and view-masked holds the digest served and the block', async () => {
    const seen: number[] = [];
    const masking: PixelMasking = {
      mosaicBlockByLevel: { 1: 2, 2: 3, 3: 4, 4: 5, 5: 6 },
      rules: [],
      findTextRegions: async (frame, index) => {
        seen.push(index);
        assert.equal(frame.geometry.rows, 16);
        return [{ left: 0, top: 0, width: 4, height: 4 }];
      },
    };
    gateway.events.length = 0;
    const result = await retrieveInstance({ ...gateway.deps, masking }, await gateway.actingUser('rad'), image(1, { maskedPixels: { kind: 'frames', frameNumbers: [1] } }));
    assert.equal(result.outcome, 'masked-pixels');
    assert.ok(result.outcome === 'masked-pixels');
    assert.deepEqual(seen, [0]);
    const block = masking.mosaicBlockByLevel[studies[1]!.level as 1 | 2 | 3 | 4 | 5];
    assert.equal(result.blockSize, block);
    const original = readDicomFile(studies[1]!.instances.find((i) => i.hasPixels)!.bytes).dataset.get(Tag.PixelData)!.value!;
    assert.notDeepEqual(new Uint8Array(result.parts[0]!), new Uint8Array(original));
    assert.equal(gateway.events.length, 1);
    assert.equal(gateway.events[0]!.type, 'view-masked');
    assert.deepEqual(gateway.events[0]!.digests, dataDigests(Buffer.concat(result.parts), 'intl'));
    assert.equal(gateway.events[0]!.detail?.mosaicBlock, String(block));
    assert.equal(gateway.events[0]!.detail?.representation, 'frames');
  });

  test('masked pixels: if the audit log cannot record them, or the finder fails, nothing is served', async () => {
    const masking: PixelMasking = { mosaicBlockByLevel: { 1: 2, 2: 2, 3: 2, 4: 2, 5: 2 }, rules: [] };
    const who = await gateway.actingUser('rad');
    gateway.breakAudit(true);
    try {
      await assert.rejects(retrieveInstance({ ...gateway.deps, masking }, who, image(1, { maskedPixels: { kind: 'instance' } })), /audit/);
    } finally {
      gateway.breakAudit(false);
    }
    gateway.events.length = 0;
    const failing: PixelMasking = { ...masking, findTextRegions: async () => { throw new Error('the OCR worker died'); } };
    await assert.rejects(retrieveInstance({ ...gateway.deps, masking: failing }, who, image(1, { maskedPixels: { kind: 'instance' } })), /OCR worker died/);
    assert.deepEqual(gateway.events.map((e) => [e.type, e.outcome, e.detail?.failure]), [['view-masked', 'serious-failure', 'masking-failed']]);
  });

  test('a masked request for the whole instance is refused where masked pixels are not served (DIMSE), never served with unmasked pixels, and recorded', async () => {
    const result = await retrieve('rad', image(1));
    assert.deepEqual(result, { outcome: 'refused', reason: 'masked-instance-unavailable' });
    assert.equal(gateway.events[0]!.type, 'deny');
    assert.equal(gateway.events[0]!.detail?.reason, 'masked-instance-unavailable');
    assert.equal(gateway.events[0]!.detail?.effect, 'masked');
  });

  const hidden: [string, string, () => RetrieveRequest, string][] = [
    ['a study of another department', 'rad', () => image(2), 'deny:no-relationship'],
    ['a level-5 study of the radiologist\'s own department', 'psy-rad', () => image(2), 'deny:level-too-high'],
    ['a study the clinician has no relation to', 'outsider', () => image(0), 'deny:no-relationship'],
    ['an instance that does not exist', 'rad', () => image(0, { path: { studyUid: studies[0]!.studyUid, sopInstanceUid: '1.2.3.4.5' } }), 'deny:not-found'],
    ['an allowed instance named under another study', 'rad', () => image(0, { path: { ...image(0).path, studyUid: studies[1]!.studyUid } }), 'deny:not-found'],
    ['an allowed instance named under another series', 'rad', () => image(0, { path: { ...image(0).path, seriesUid: '1.2.3' } }), 'deny:not-found'],
    ['an export without a grant', 'rad', () => image(0, { action: 'export', via: 'c-move', destination: 'ARCHIVE' }), 'deny:export-needs-grant'],
  ];
  for (const [name, user, request, recorded] of hidden) {
    test(`${name} is "not found", exactly as a missing instance, and recorded as ${recorded}`, async () => {
      const result = await retrieve(user, request());
      assert.deepEqual(result, { outcome: 'not-found' });
      assert.equal(gateway.events.length, 1);
      const event = gateway.events[0]!;
      assert.equal(`${event.type}:${event.detail?.reason ?? event.detail?.reasons}`, recorded);
    });
  }

  test('an export under an active grant serves the original and is recorded as an export naming the grant and destination', async () => {
    const grant: Grant = { id: 'grant-7', subjectUserId: 'rad', scope: { kind: 'studies', studyUids: [studies[0]!.studyUid] }, actions: ['export'], effect: 'full', validFrom: TEST_NOW - 1, validUntil: TEST_NOW + 1 };
    gateway.setGrants(async () => [grant]);
    try {
      const result = await retrieve('rad', image(0, { action: 'export', via: 'c-move', destination: 'ARCHIVE' }));
      assert.equal(result.outcome, 'full');
      assert.equal(gateway.events[0]!.type, 'export');
      assert.deepEqual(gateway.events[0]!.detail, { via: 'c-move', action: 'export', destination: 'ARCHIVE', effect: 'full', reasons: 'grant', grant: 'grant-7' });
    } finally {
      gateway.setGrants(async () => []);
    }
  });

  test('when the audit append fails, nothing is served', async () => {
    gateway.breakAudit(true);
    try {
      for (const request of [image(0), image(1, { part: 'header' }), image(2)]) {
        await assert.rejects(retrieve('rad', request), /audit append failed/);
      }
    } finally {
      gateway.breakAudit(false);
    }
  });

  test('one flipped bit in the stored object is detected, reported, recorded as a serious failure, and nothing is served', async () => {
    const request = image(0);
    const located = (await gateway.index.getInstance(request.path))!;
    const path = new FsBlobStore(gateway.objectFolder).pathOf(located.instance.blobKey);
    const sealed = readFileSync(path);
    const flipped = Buffer.from(sealed);
    flipped[flipped.length - 40]! ^= 0x01;
    writeFileSync(path, flipped);
    try {
      await assert.rejects(retrieve('rad', request), /integrity check failed/);
      assert.equal(gateway.events.length, 1);
      assert.equal(gateway.events[0]!.outcome, 'serious-failure');
      assert.equal(gateway.events[0]!.detail?.failure, 'unreadable-object');
    } finally {
      writeFileSync(path, sealed);
    }
  });

  test('another object copied over the stored one is refused as an integrity failure: the tags bind each object to its storage key', async () => {
    const request = image(0);
    const located = (await gateway.index.getInstance(request.path))!;
    const other = (await gateway.index.getInstance(image(1).path))!;
    const blobs = new FsBlobStore(gateway.objectFolder);
    const path = blobs.pathOf(located.instance.blobKey);
    const sealed = readFileSync(path);
    writeFileSync(path, readFileSync(blobs.pathOf(other.instance.blobKey)));
    try {
      for (const delivery of ['bytes', 'stream'] as const) {
        await assert.rejects(retrieve('rad', { ...request, delivery }), /integrity check failed/, delivery);
        assert.deepEqual(gateway.events.map((event) => [event.type, event.outcome]), [['view', 'serious-failure']], delivery);
      }
    } finally {
      writeFileSync(path, sealed);
    }
  });

  test('streamed: the stored bytes as they verify, their length as recorded, and the view event before the first byte', async () => {
    const ingested = studies[0]!.instances.find((i) => i.hasPixels)!;
    const result = await retrieve('rad', image(0, { delivery: 'stream' }));
    assert.equal(result.outcome, 'full-stream');
    assert.ok(result.outcome === 'full-stream');
    assert.deepEqual(gateway.events.map((event) => [event.type, event.outcome, event.digests]), [['view', 'success', dataDigests(ingested.bytes, 'intl')]]);
    const served = await buffer(result.body);
    assert.ok(served.equals(ingested.bytes));
    assert.equal(result.size, ingested.bytes.length);
    assert.equal(gateway.events.length, 1);
  });

  test('streamed: a flipped bit in the first segment is refused before the view event; in a later one the stream fails after it, and the failure is recorded', async () => {
    const request = image(0, { delivery: 'stream' });
    const located = (await gateway.index.getInstance(request.path))!;
    const path = new FsBlobStore(gateway.objectFolder).pathOf(located.instance.blobKey);
    const sealed = readFileSync(path);
    assert.ok(sealed.length > 2 * 1024 + 100, 'the object spans at least three segments');
    try {
      const early = Buffer.from(sealed);
      early[100]! ^= 0x01;
      writeFileSync(path, early);
      await assert.rejects(retrieve('rad', request), /integrity check failed/);
      assert.deepEqual(gateway.events.map((event) => [event.type, event.outcome]), [['view', 'serious-failure']]);

      const late = Buffer.from(sealed);
      late[late.length - 40]! ^= 0x01;
      writeFileSync(path, late);
      const result = await retrieve('rad', request);
      assert.ok(result.outcome === 'full-stream');
      await assert.rejects(buffer(result.body), /integrity check failed/);
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(gateway.events.map((event) => [event.type, event.outcome, event.detail?.failure]), [
        ['view', 'success', undefined],
        ['view', 'serious-failure', 'unreadable-object'],
      ]);
    } finally {
      writeFileSync(path, sealed);
    }
  });

  test('streamed: a masked or denied actor gets no stream, exactly as without it', async () => {
    assert.deepEqual(await retrieve('rad', image(1, { delivery: 'stream' })), { outcome: 'refused', reason: 'masked-instance-unavailable' });
    assert.deepEqual(await retrieve('rad', image(2, { delivery: 'stream' })), { outcome: 'not-found' });
  });
});

describe('part10DataSetOffset()', () => {
  const cases: [string, (bytes: Buffer) => Buffer, number][] = [
    ['with the 128-byte preamble', (bytes) => bytes, 0],
    ['without the preamble', (bytes) => bytes.subarray(128), -128],
  ];
  for (const [name, shape, shift] of cases) {
    test(`finds the data set after the File Meta Information of a file ${name}`, () => {
      const bytes = studies[0]!.instances[0]!.bytes;
      const metaEnd = 132 + 12 + readDicomFile(bytes).meta.getNumber(Tag.FileMetaInformationGroupLength)!;
      assert.equal(part10DataSetOffset(shape(bytes)), metaEnd + shift);
    });
  }
});
