/**
 * A C-STORE cut off mid-data-set, through the gateway's DIMSE services: the data set is sealed
 * into the object folder while it arrives, so an association aborted before its last fragment
 * must leave no file there, no index row and no ingest event. Our own SCU sends the command and
 * the first part of a large image's data set, then drops the connection; a complete C-STORE of
 * the same image afterwards is stored as usual.
 */
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Tag } from '../src/dicom/tag.js';
import { encodeDicomFile } from '../src/dicom/write-dicom-file.js';
import { CommandField, encodeCommand, Priority } from '../src/dimse/dimse-command.js';
import { openAssociation } from '../src/dimse/dimse-client.js';
import { type DimseServer, startDimseServer } from '../src/dimse/dimse-server.js';
import { DimseStatus } from '../src/dimse/dimse-status.js';
import { encodePdu } from '../src/dimse/encode-pdu.js';
import { fragmentMessage } from '../src/dimse/fragment-message.js';
import { syntheticCorpus } from '../src/samples/synthetic-corpus.js';
import { dimseServices } from '../src/server/dimse-services.js';
import { openTestGateway, type TestGateway } from './support/retrieve-instance-test-gateway.js';
import { temporaryFolder } from './support/medveil-cli.js';

const image = syntheticCorpus({ patients: 1, imagesPerPatient: 1, imageSize: 1200, seed: 'dimse-ingest-abort' }).files.find((f) => f.file.dataset.has(Tag.PixelData))!.file;
const part10 = encodeDicomFile(image);
const dataSet = part10.subarray(144 + part10.readUInt32LE(140));
const sopClassUid = image.dataset.getString(Tag.SOPClassUID)!;
const sopInstanceUid = image.dataset.getString(Tag.SOPInstanceUID)!;
const studyUid = image.dataset.getString(Tag.StudyInstanceUID)!;

let gateway: TestGateway;
let server: DimseServer;

function objectFiles(): string[] {
  const out: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (statSync(path).isFile()) out.push(path);
    }
  };
  walk(gateway.objectFolder);
  return out;
}

before(async () => {
  gateway = await openTestGateway(join(temporaryFolder('dimse-ingest-abort'), 'gateway'));
  await gateway.addUser('cr-room-1', ['technician'], { departments: ['radiology'] });
  const services = dimseServices({ ...gateway.deps, grants: async () => [], peers: [{ aeTitle: 'MODALITY', user: 'cr-room-1' }], moveDestinations: [] });
  server = await startDimseServer({ port: 0, aeTitle: 'MEDVEIL', ...services });
});

after(async () => {
  await server?.close();
  await gateway?.close();
});

/** Waits for `condition`, checking after each turn of the event loop and I/O; fails after 100000 checks. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100_000; i++) {
    if (condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.fail(`gave up waiting for ${what}`);
}

async function connect() {
  return openAssociation({
    host: '127.0.0.1',
    port: server.port,
    callingAeTitle: 'MODALITY',
    calledAeTitle: 'MEDVEIL',
    contexts: [{ abstractSyntax: sopClassUid, transferSyntaxes: [image.transferSyntaxUid] }],
  });
}

test('an association aborted in the middle of a C-STORE data set leaves no object file, no index row and no ingest event; the whole image then stores', async () => {
  assert.ok(dataSet.length > 2 * 1024 * 1024, 'more than two 1 MiB segments, so sealing has begun before the cut');
  const client = await connect();
  const context = [...client.association.contexts.values()][0]!;
  const command = encodeCommand({ commandField: CommandField.CStoreRQ, messageId: 1, affectedSopClassUid: sopClassUid, affectedSopInstanceUid: sopInstanceUid, priority: Priority.Medium, hasDataSet: true });
  const pdus = fragmentMessage({ presentationContextId: context.id, command, dataSet: [dataSet] }, 64 * 1024);
  const sent = pdus.slice(0, Math.floor(pdus.length * 0.8));
  for (const pdu of sent) for (const chunk of encodePdu(pdu)) client.association.socket.write(chunk);
  // The cut comes once the server has begun writing the sealed object.
  await until(() => objectFiles().length > 0, 'the object file to appear');
  client.association.socket.destroy();
  await client.association.ended;
  await until(() => objectFiles().length === 0, 'the object file to be removed');

  assert.deepEqual(objectFiles(), [], 'nothing in the object folder, temporary or final');
  assert.equal(await gateway.index.getStudy({ studyUid }), undefined);
  assert.equal(gateway.events.some((event) => event.type === 'ingest'), false);

  const again = await connect();
  const stored = await again.store({ sopClassUid, sopInstanceUid, transferSyntaxUid: image.transferSyntaxUid, dataSet: [dataSet] });
  await again.release();
  assert.equal(stored.status, DimseStatus.Success);
  assert.equal(objectFiles().length, 1);
  assert.equal((await gateway.index.getStudy({ studyUid }))?.numberOfInstances, 1);
  assert.deepEqual(gateway.events.filter((event) => event.type === 'ingest').map((event) => event.outcome), ['success']);
});
