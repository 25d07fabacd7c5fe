import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { test } from 'node:test';
import { Dataset, EXPLICIT_LITTLE, IMPLICIT_LITTLE } from '../dicom/dataset.js';
import { readDataset } from '../dicom/read-dataset.js';
import { Tag } from '../dicom/tag.js';
import { writeDataset } from '../dicom/write-dataset.js';
import type { TimerSource } from './association.js';
import { openAssociation } from './dimse-client.js';
import type { StoreRequest } from './dimse-handlers.js';
import { startDimseServer } from './dimse-server.js';
import { DimseServiceError } from './dimse-service-error.js';
import { DimseStatus } from './dimse-status.js';
import { VERIFICATION_SOP_CLASS } from './sop-classes.js';

const CT = '1.2.840.10008.5.1.4.1.1.2';
const EXPLICIT = '1.2.840.10008.1.2.1';
const IMPLICIT = '1.2.840.10008.1.2';

function sampleDataSet(uid: string): Uint8Array[] {
  const dataset = new Dataset(EXPLICIT_LITTLE);
  dataset.setString(Tag.SOPClassUID, CT);
  dataset.setString(Tag.SOPInstanceUID, uid);
  dataset.setString(Tag.PatientID, 'P1');
  dataset.set({ tag: Tag.Rows, vr: 'US', value: Uint8Array.of(2, 0) });
  return writeDataset(dataset, EXPLICIT_LITTLE);
}

test('our SCU echoes, stores and releases against our SCP; a data set held explicit is sent implicit when only that was accepted', async () => {
  const received: (StoreRequest & { readonly bytes: Buffer })[] = [];
  const server = await startDimseServer({
    port: 0, aeTitle: 'SCP', transferSyntaxes: [IMPLICIT],
    handlers: {
      store: async (request) => {
        const fragments: Uint8Array[] = [];
        for await (const fragment of request.dataSet) fragments.push(fragment);
        received.push({ ...request, bytes: Buffer.concat(fragments) });
        if (request.sopInstanceUid === '1.2.3.99') throw new DimseServiceError(DimseStatus.RefusedOutOfResources, 'disk full', { errorComment: 'out of space' });
      },
    },
  });
  try {
    const client = await openAssociation({
      host: '127.0.0.1', port: server.port, callingAeTitle: 'SCU', calledAeTitle: 'SCP',
      contexts: [{ abstractSyntax: VERIFICATION_SOP_CLASS, transferSyntaxes: [IMPLICIT] }, { abstractSyntax: CT, transferSyntaxes: [EXPLICIT, IMPLICIT] }],
    });
    assert.equal(await client.echo(), DimseStatus.Success);
    const stored = await client.store({ sopClassUid: CT, sopInstanceUid: '1.2.3.4', transferSyntaxUid: EXPLICIT, dataSet: sampleDataSet('1.2.3.4') });
    assert.equal(stored.status, DimseStatus.Success);
    const refused = await client.store({ sopClassUid: CT, sopInstanceUid: '1.2.3.99', transferSyntaxUid: EXPLICIT, dataSet: sampleDataSet('1.2.3.99') });
    assert.deepEqual(refused, { status: DimseStatus.RefusedOutOfResources, errorComment: 'out of space' });
    await client.release();
    assert.deepEqual(await client.association.ended, { released: true });
    assert.equal(received[0]!.transferSyntaxUid, IMPLICIT);
    assert.equal(received[0]!.association.callingAeTitle, 'SCU');
    const dataset = readDataset(received[0]!.bytes, IMPLICIT_LITTLE).dataset;
    assert.equal(dataset.getString(Tag.SOPInstanceUID), '1.2.3.4');
    assert.equal(dataset.getNumber(Tag.Rows), 2);
  } finally {
    await server.close();
  }
});

test('the ARTIM timer, run on an injected timer source, closes a connection that never asks for an association', async () => {
  const pending: Array<() => void> = [];
  const timers: TimerSource = { setTimeout: (callback) => pending.push(callback), clearTimeout: () => undefined };
  const server = await startDimseServer({ port: 0, aeTitle: 'SCP', handlers: {}, timers });
  try {
    const closed = new Promise<void>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: server.port });
      socket.on('error', reject);
      socket.on('close', () => resolve());
      socket.on('connect', () => {
        // The server started ARTIM on accepting the connection (AE-5); expire it.
        const check = (): void => {
          if (pending.length === 0) {
            setImmediate(check);
            return;
          }
          pending.shift()!();
        };
        check();
      });
    });
    await closed;
  } finally {
    await server.close();
  }
});

test('openAssociation reports a rejection with its reason', async () => {
  const server = await startDimseServer({ port: 0, aeTitle: 'SCP', handlers: {}, acceptAssociation: () => false });
  try {
    await assert.rejects(
      openAssociation({ host: '127.0.0.1', port: server.port, callingAeTitle: 'SCU', calledAeTitle: 'SCP', contexts: [{ abstractSyntax: VERIFICATION_SOP_CLASS, transferSyntaxes: [IMPLICIT] }] }),
      /association rejected \(result 1, source 1, reason 3\)/,
    );
  } finally {
    await server.close();
  }
});

test('a PDV on a presentation context that was never accepted ends the association with an A-ABORT', async () => {
  const server = await startDimseServer({ port: 0, aeTitle: 'SCP', handlers: {} });
  try {
    const client = await openAssociation({
      host: '127.0.0.1', port: server.port, callingAeTitle: 'SCU', calledAeTitle: 'SCP',
      contexts: [{ abstractSyntax: VERIFICATION_SOP_CLASS, transferSyntaxes: [IMPLICIT] }],
    });
    await client.association.sendMessage(99, { commandField: 0x0030, messageId: 1, affectedSopClassUid: VERIFICATION_SOP_CLASS, hasDataSet: false });
    const end = await client.association.ended;
    assert.equal(end.released, false);
    assert.match(end.detail ?? '', /aborted/);
  } finally {
    await server.close();
  }
});
