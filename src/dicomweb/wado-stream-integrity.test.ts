import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { FsBlobStore } from '../storage/adapters/fs-blob-store.js';
import { syntheticCorpus } from '../samples/synthetic-corpus.js';
import { ingestCorpus, type IngestedStudy } from '../../test/support/retrieve-instance-test-gateway.js';
import { testDicomwebApp, type TestDicomwebApp } from '../../test/support/testing-dicomweb-app.js';
import { multipartParts } from './testing-multipart.js';

// Objects sealed in 1 KiB segments (envelope-format.ts), so that each small test image spans
// several and a damaged segment can lie past the first, after the answer has started.
const SEGMENT_BYTES = 1024;
const work = mkdtempSync(join(tmpdir(), 'medveil-wado-integrity-'));
const corpus = syntheticCorpus({ patients: 1, imagesPerPatient: 3, imageSize: 32, seed: 'wado-stream-integrity' });
const ANY_SYNTAX = 'multipart/related; type="application/dicom"; transfer-syntax=*';
let t: TestDicomwebApp;
let study: IngestedStudy;
let radiologist: string;
let baseUrl: string;

before(async () => {
  t = await testDicomwebApp(work, {}, { segmentLog2: Math.log2(SEGMENT_BYTES) });
  [study] = await ingestCorpus(t.gateway, corpus, ['radiology']);
  radiologist = await t.signedIn('rad', ['radiologist'], { departments: ['radiology'], careFor: [study!.patientRef] });
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});
after(async () => {
  await t.close();
  rmSync(work, { recursive: true, force: true });
});
beforeEach(() => void (t.events.length = 0));

const images = () => study.instances.filter((instance) => instance.hasPixels);
const instanceUrl = (instance: IngestedStudy['instances'][number]) =>
  `/dicom-web/studies/${study.studyUid}/series/${instance.seriesUid}/instances/${instance.sopInstanceUid}`;

/** What a client over a real socket sees: the status, the bytes that arrived, and whether the answer was cut off. */
function fetchOverSocket(path: string): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer; cutOff: boolean }> {
  return new Promise((resolve, reject) => {
    const sent = httpRequest(`${baseUrl}${path}`, { headers: { authorization: radiologist, accept: ANY_SYNTAX } }, (response) => {
      const chunks: Buffer[] = [];
      let cutOff = false;
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('aborted', () => void (cutOff = true));
      response.on('error', () => void (cutOff = true));
      response.on('close', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks), cutOff: cutOff || !response.complete }));
    });
    sent.on('error', reject);
    sent.end();
  });
}

/** Runs `check` with one bit of the stored object flipped at `offset` (negative: from the end), then restores it. */
async function withFlippedBit(instance: IngestedStudy['instances'][number], offset: number, check: () => Promise<void>): Promise<void> {
  const located = (await t.gateway.index.getInstance({ studyUid: study.studyUid, seriesUid: instance.seriesUid, sopInstanceUid: instance.sopInstanceUid }))!;
  const path = new FsBlobStore(t.gateway.objectFolder).pathOf(located.instance.blobKey);
  const sealed = readFileSync(path);
  assert.ok(sealed.length > 3 * SEGMENT_BYTES, 'the object spans several segments');
  const damaged = Buffer.from(sealed);
  damaged[offset < 0 ? damaged.length + offset : offset]! ^= 0x04;
  writeFileSync(path, damaged);
  try {
    await check();
  } finally {
    writeFileSync(path, sealed);
  }
}

/**
 * The events recorded so far. A failure while sending is recorded as the object's stream fails,
 * before the response is destroyed, so it is there by the time the client sees the cut.
 */
function recorded(): [string, string, string | undefined][] {
  return t.events.map((event) => [event.type, event.outcome, event.detail?.failure]);
}

describe('WADO-RS instances streamed as their segments verify (acceptance 6)', () => {
  test('an intact instance arrives whole, with its length announced, over a socket', async () => {
    const image = images()[0]!;
    const answer = await fetchOverSocket(instanceUrl(image));
    assert.equal(answer.status, 200);
    assert.equal(answer.cutOff, false);
    assert.equal(Number(answer.headers['content-length']), answer.body.length);
    assert.deepEqual(multipartParts(String(answer.headers['content-type']), answer.body).map((part) => part.body), [image.bytes]);
  });

  test('a flipped bit in the first segment answers 500 before any byte of the object, recorded as a serious failure', async () => {
    const image = images()[0]!;
    await withFlippedBit(image, 200, async () => {
      const answer = await fetchOverSocket(instanceUrl(image));
      assert.equal(answer.status, 500);
      assert.equal(answer.body.includes(Buffer.from('DICM')), false);
      // The use case's event names the failure; the request's own records its 500.
      assert.deepEqual(recorded(), [
        ['view', 'serious-failure', 'unreadable-object'],
        ['view', 'serious-failure', undefined],
      ]);
    });
  });

  test('a flipped bit in a later segment cuts the answer off before the object ends, after the view was recorded, and records the failure', async () => {
    const image = images()[0]!;
    await withFlippedBit(image, -30, async () => {
      const answer = await fetchOverSocket(instanceUrl(image));
      assert.equal(answer.status, 200);
      assert.equal(answer.cutOff, true);
      assert.ok(answer.body.length < image.bytes.length, 'the damaged segment and what follows were not sent');
      assert.equal(answer.body.includes(image.bytes.subarray(-SEGMENT_BYTES)), false);
      assert.deepEqual(recorded(), [
        ['view', 'success', undefined],
        ['view', 'serious-failure', 'unreadable-object'],
      ]);
    });
  });

  test('in a study retrieve, a damaged later instance cuts the answer off after the instances before it were served whole', async () => {
    const intact = await fetchOverSocket(`/dicom-web/studies/${study.studyUid}`);
    const served = multipartParts(String(intact.headers['content-type']), intact.body).map((part) => part.body);
    assert.equal(served.length, study.instances.length);
    const second = study.instances.find((instance) => instance.bytes.equals(served[1]!))!;
    await withFlippedBit(second, -30, async () => {
      t.events.length = 0;
      const answer = await fetchOverSocket(`/dicom-web/studies/${study.studyUid}`);
      assert.equal(answer.status, 200);
      assert.equal(answer.cutOff, true);
      assert.ok(answer.body.includes(served[0]!), 'the first instance was served whole');
      assert.deepEqual(recorded(), [
        ['view', 'success', undefined],
        ['view', 'success', undefined],
        ['view', 'serious-failure', 'unreadable-object'],
      ]);
    });
  });
});
