import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Tag } from '../dicom/tag.js';
import { encodeDicomFile } from '../dicom/write-dicom-file.js';
import type { AssociationInfo, StoreRequest } from '../dimse/dimse-handlers.js';
import type { UserIdentityRequest } from '../dimse/pdu.js';
import { openTestGateway, type TestGateway } from '../../test/support/retrieve-instance-test-gateway.js';
import { syntheticCorpus } from '../samples/synthetic-corpus.js';
import { type DimseServices, dimseServices } from './dimse-services.js';

const work = mkdtempSync(join(tmpdir(), 'medveil-dimse-services-'));
let gateway: TestGateway;
let services: DimseServices;

before(async () => {
  gateway = await openTestGateway(work);
  await gateway.addUser('cr-room-1', ['technician'], { departments: ['radiology'] });
  await gateway.addUser('dr-two-departments', ['radiologist'], { departments: ['radiology', 'oncology'] });
  await gateway.addUser('retired', ['radiologist'], { disabled: true });
  await gateway.addUser('security-officer', ['dso']);
  services = dimseServices({
    ...gateway.deps,
    maxObjectBytes: 64 * 1024,
    peers: [
      { aeTitle: 'MODALITY', user: 'cr-room-1', host: '10.1.2.3' },
      { aeTitle: 'RADWS', user: 'dr-two-departments' },
      { aeTitle: 'OLDWS', user: 'retired' },
      { aeTitle: 'DSOWS', user: 'security-officer' },
    ],
    moveDestinations: [{ aeTitle: 'RADWS', host: '10.1.4.7', port: 104 }],
  });
});
after(async () => {
  await gateway.close();
  rmSync(work, { recursive: true, force: true });
});

function association(callingAeTitle: string, peerAddress: string, userIdentity?: UserIdentityRequest): AssociationInfo {
  return { callingAeTitle, calledAeTitle: 'MEDVEIL', peerAddress, ...(userIdentity === undefined ? {} : { userIdentity }) };
}

function identity(type: number, user: string, passcode = ''): UserIdentityRequest {
  return { type, positiveResponseRequested: false, primaryField: Buffer.from(user), secondaryField: Buffer.from(passcode) };
}

describe('dimseServices() association acceptance', () => {
  const cases: [string, AssociationInfo, string | undefined][] = [
    ['a listed AE title from its pinned host', association('MODALITY', '10.1.2.3'), undefined],
    ['the pinned host as an IPv4-mapped IPv6 address', association('MODALITY', '::ffff:10.1.2.3'), undefined],
    ['a listed AE title without a pinned host, from anywhere', association('RADWS', '192.168.7.7'), undefined],
    ['a User Identity naming the mapped account (its passcode never read)', association('RADWS', '127.0.0.1', identity(2, 'dr-two-departments', 'hunter2')), undefined],
    ['a Kerberos identity, which cannot be read and is ignored', association('RADWS', '127.0.0.1', identity(3, 'ticket')), undefined],
    ['an unknown AE title', association('INTRUDER', '127.0.0.1'), 'unknown-ae-title'],
    ['a listed AE title from another host', association('MODALITY', '127.0.0.1'), 'wrong-host'],
    ['a User Identity naming another account', association('RADWS', '127.0.0.1', identity(1, 'admin')), 'user-identity-mismatch'],
    ['the AE title of a disabled account', association('OLDWS', '127.0.0.1'), 'account-disabled'],
    ['the AE title of an account whose role needs a second factor', association('DSOWS', '127.0.0.1'), 'account-needs-mfa'],
  ];
  for (const [name, info, refusal] of cases) {
    test(`${name}: ${refusal === undefined ? 'accepted, recorded as a login' : `rejected, recorded as ${refusal}`}`, async () => {
      gateway.events.length = 0;
      assert.equal(await services.acceptAssociation(info), refusal === undefined);
      assert.equal(gateway.events.length, 1);
      const event = gateway.events[0]!;
      assert.equal(event.type, refusal === undefined ? 'login' : 'login-failed');
      assert.equal(event.detail?.reason, refusal);
      assert.equal(JSON.stringify(event).includes('hunter2'), false);
    });
  }

  test('an association whose login cannot be recorded is rejected', async () => {
    gateway.breakAudit(true);
    try {
      assert.equal(await services.acceptAssociation(association('RADWS', '127.0.0.1')), false);
    } finally {
      gateway.breakAudit(false);
    }
  });

  test('the move registry answers every AE title, so that the handler can record an unregistered one before 0xA801', () => {
    assert.deepEqual(services.moveDestinations('RADWS'), { aeTitle: 'RADWS', host: '10.1.4.7', port: 104 });
    assert.deepEqual(services.moveDestinations('NOWHERE'), { aeTitle: 'NOWHERE', host: '', port: 0 });
  });
});

describe('dimseServices() C-STORE', () => {
  const corpus = syntheticCorpus({ patients: 1, imagesPerPatient: 2, imageSize: 16, seed: 'dimse-services' });
  const image = corpus.files.find((f) => f.file.dataset.has(Tag.PixelData))!.file;
  const part10 = encodeDicomFile(image);
  const dataSet = part10.subarray(144 + part10.readUInt32LE(140));
  const store = (caller: string, overrides: Partial<StoreRequest> = {}) =>
    services.handlers.store!({
      association: association(caller, caller === 'MODALITY' ? '10.1.2.3' : '127.0.0.1'),
      sopClassUid: image.dataset.getString(Tag.SOPClassUID)!,
      sopInstanceUid: image.dataset.getString(Tag.SOPInstanceUID)!,
      transferSyntaxUid: image.transferSyntaxUid,
      dataSet: [dataSet],
      priority: 0,
      ...overrides,
    });

  const refusals: [string, Partial<StoreRequest>, number][] = [
    ['a data set that cannot be read', { dataSet: [Buffer.from('not a data set at all')] }, 0xc000],
    ['a SOP Instance UID that differs from the data set', { sopInstanceUid: '1.2.3.4' }, 0xa900],
    ['an object over the size limit', { dataSet: [Buffer.alloc(65 * 1024)] }, 0xa700],
  ];
  for (const [name, overrides, status] of refusals) {
    test(`${name} is refused with 0x${status.toString(16).toUpperCase()} (PS3.4 B.2.3)`, async () => {
      const outcome = await store('MODALITY', overrides);
      assert.equal(outcome?.status, status);
      assert.ok((outcome?.errorComment ?? '').length <= 64);
    });
  }

  test("a stored instance belongs to the account's one department; an account of two departments names none", async () => {
    assert.equal(await store('MODALITY'), undefined);
    const studyUid = image.dataset.getString(Tag.StudyInstanceUID)!;
    assert.equal((await gateway.index.getStudy({ studyUid }))?.department, 'radiology');
    // The second image, as a study of its own.
    const second = corpus.files.filter((f) => f.file.dataset.has(Tag.PixelData))[1]!.file;
    const otherStudy = '1.2.826.0.1.3680043.2.1125.77';
    second.dataset.setString(Tag.StudyInstanceUID, otherStudy);
    second.dataset.setString(Tag.SeriesInstanceUID, `${otherStudy}.1`);
    const moved = encodeDicomFile(second);
    assert.equal(await store('RADWS', {
      sopInstanceUid: second.dataset.getString(Tag.SOPInstanceUID)!,
      dataSet: [moved.subarray(144 + moved.readUInt32LE(140))],
    }), undefined);
    assert.equal((await gateway.index.getStudy({ studyUid: otherStudy }))?.department, undefined);
  });

  test('a request on the association of an account disabled since is refused with 0x0124', async () => {
    await assert.rejects(store('OLDWS'), (error: unknown) => (error as { status?: number }).status === 0x0124);
  });

  test('a request on the association of an account given a role that needs a second factor is refused with 0x0124', async () => {
    await assert.rejects(store('DSOWS'), (error: unknown) => (error as { status?: number }).status === 0x0124);
  });
});
