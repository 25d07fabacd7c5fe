import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodePDataParts, decodePdu } from './decode-pdu.js';
import { encodePdu } from './encode-pdu.js';
import {
  type AAssociateAC,
  type AAssociateRQ,
  AbortReason,
  DICOM_APPLICATION_CONTEXT,
  type Pdu,
  PduType,
} from './pdu.js';
import { PduError } from './pdu-error.js';

/** The A-ASSOCIATE-RQ that dcmtk 3.6.7 `echoscu -aet ECHOSCU -aec MEDVEIL` sends, captured on the wire. */
const ECHOSCU_RQ = Buffer.from(
  '0100000000cd000100004d45445645494c2020202020202020204543484f534355202020202020202020' +
  '0000000000000000000000000000000000000000000000000000000000000000' +
  '10000015312e322e3834302e31303030382e332e312e312e312000002e0100ff0030000011312e322e3834302e31303030382e312e31' +
  '40000011312e322e3834302e31303030382e312e325000003a51000004000040005200001b312e322e3237362e302e373233303031302e332e302e332e362e37' +
  '5500000f4f464649535f44434d544b5f333637',
  'hex',
);

function bytesOf(pdu: Pdu): Buffer {
  return Buffer.concat(encodePdu(pdu));
}

function decodeWhole(bytes: Uint8Array): Pdu {
  assert.equal(bytes.length - 6, new DataView(bytes.buffer, bytes.byteOffset).getUint32(2), 'header length matches');
  return decodePdu(bytes[0]!, bytes.subarray(6));
}

const request: AAssociateRQ = {
  type: PduType.AAssociateRQ,
  protocolVersion: 1,
  calledAeTitle: 'MEDVEIL',
  callingAeTitle: 'GETSCU',
  applicationContext: DICOM_APPLICATION_CONTEXT,
  presentationContexts: [
    { id: 1, abstractSyntax: '1.2.840.10008.5.1.4.1.2.2.3', transferSyntaxes: ['1.2.840.10008.1.2.1', '1.2.840.10008.1.2'] },
    { id: 3, abstractSyntax: '1.2.840.10008.5.1.4.1.1.1', transferSyntaxes: ['1.2.840.10008.1.2'] },
  ],
  userInformation: {
    maxPduLength: 16384,
    implementationClassUid: '1.2.3.4',
    implementationVersionName: 'TEST_1',
    asyncOperations: { invoked: 1, performed: 1 },
    roleSelections: [{ sopClassUid: '1.2.840.10008.5.1.4.1.1.1', scuRole: false, scpRole: true }],
    extendedNegotiations: [{ sopClassUid: '1.2.840.10008.5.1.4.1.2.2.1', applicationInformation: Uint8Array.of(1, 0, 1) }],
    userIdentity: { type: 2, positiveResponseRequested: true, primaryField: Buffer.from('user'), secondaryField: Buffer.from('secret') },
  },
};

const accept: AAssociateAC = {
  type: PduType.AAssociateAC,
  protocolVersion: 1,
  calledAeTitle: 'MEDVEIL',
  callingAeTitle: 'GETSCU',
  applicationContext: DICOM_APPLICATION_CONTEXT,
  presentationContexts: [
    { id: 1, result: 0, transferSyntax: '1.2.840.10008.1.2.1' },
    { id: 3, result: 3, transferSyntax: '1.2.840.10008.1.2' },
  ],
  userInformation: {
    maxPduLength: 0,
    implementationClassUid: '1.2.3.4',
    roleSelections: [{ sopClassUid: '1.2.840.10008.5.1.4.1.1.1', scuRole: false, scpRole: true }],
    extendedNegotiations: [],
    userIdentityResponse: Buffer.from('ok'),
  },
};

test('decodePdu reads the A-ASSOCIATE-RQ of dcmtk echoscu as sent on the wire', () => {
  const pdu = decodeWhole(ECHOSCU_RQ) as AAssociateRQ;
  assert.equal(pdu.type, PduType.AAssociateRQ);
  assert.equal(pdu.calledAeTitle, 'MEDVEIL');
  assert.equal(pdu.callingAeTitle, 'ECHOSCU');
  assert.equal(pdu.applicationContext, DICOM_APPLICATION_CONTEXT);
  assert.deepEqual(pdu.presentationContexts, [{ id: 1, abstractSyntax: '1.2.840.10008.1.1', transferSyntaxes: ['1.2.840.10008.1.2'] }]);
  assert.equal(pdu.userInformation.maxPduLength, 16384);
  assert.equal(pdu.userInformation.implementationClassUid, '1.2.276.0.7230010.3.0.3.6.7');
  assert.equal(pdu.userInformation.implementationVersionName, 'OFFIS_DCMTK_367');
});

test('encodePdu and decodePdu round-trip every PDU type field for field', () => {
  const cases: Pdu[] = [
    request,
    accept,
    { type: PduType.AAssociateRJ, result: 1, source: 1, reason: 7 },
    { type: PduType.PDataTF, values: [
      { presentationContextId: 1, command: true, last: true, data: Uint8Array.of(1, 2, 3, 4) },
      { presentationContextId: 3, command: false, last: false, data: new Uint8Array(0) },
    ] },
    { type: PduType.AReleaseRQ },
    { type: PduType.AReleaseRP },
    { type: PduType.AAbort, source: 2, reason: AbortReason.UnexpectedPdu },
  ];
  for (const pdu of cases) {
    const decoded = decodeWhole(bytesOf(pdu));
    assert.deepEqual(normalize(decoded), normalize(pdu), `type ${pdu.type}`);
  }
});

test('encodePdu re-encodes the echoscu request to the same bytes', () => {
  assert.deepEqual(bytesOf(decodeWhole(ECHOSCU_RQ)).toString('hex'), ECHOSCU_RQ.toString('hex').replace('0100ff00', '01000000'));
});

test('decodePdu skips unknown items and user information sub-items (extended negotiation tolerated)', () => {
  const bytes = bytesOf(request);
  // An unknown sub-item (0x5F) appended inside User Information, and an unknown item (0x77) after it.
  const body = Buffer.from(bytes.subarray(6));
  const userInfoAt = findItem(body, 0x50);
  const userInfoLength = body.readUInt16BE(userInfoAt + 2);
  const patched = Buffer.concat([
    body.subarray(0, userInfoAt + 2),
    u16(userInfoLength + 6),
    body.subarray(userInfoAt + 4),
    Buffer.from('5f000002abcd', 'hex'),
    Buffer.from('77000001ff', 'hex'),
  ]);
  const decoded = decodePdu(PduType.AAssociateRQ, patched) as AAssociateRQ;
  assert.equal(decoded.userInformation.maxPduLength, 16384);
  assert.equal(decoded.presentationContexts.length, 2);
});

test('decodePdu refuses hostile and malformed bodies with a PduError, never another exception', () => {
  const rq = bytesOf(request).subarray(6);
  const cases: Array<[string, number, Uint8Array, RegExp]> = [
    ['unknown PDU type', 0x09, new Uint8Array(4), /unknown PDU type/],
    ['A-RELEASE-RQ with 5 bytes', PduType.AReleaseRQ, new Uint8Array(5), /not 4/],
    ['A-ABORT with 3 bytes', PduType.AAbort, new Uint8Array(3), /not 4/],
    ['A-ASSOCIATE-RJ empty', PduType.AAssociateRJ, new Uint8Array(0), /not 4/],
    ['A-ASSOCIATE-RQ shorter than its fixed fields', PduType.AAssociateRQ, rq.subarray(0, 67), /fixed fields/],
    ['A-ASSOCIATE-RQ cut inside an item', PduType.AAssociateRQ, rq.subarray(0, rq.length - 3), /declares \d+ bytes but only/],
    ['A-ASSOCIATE-RQ with an item header cut short', PduType.AAssociateRQ, Buffer.concat([rq, Buffer.from('10')]), /cannot hold an item header/],
    ['A-ASSOCIATE-RQ with an item length of 65535', PduType.AAssociateRQ, Buffer.concat([rq, Buffer.from('2000ffff', 'hex')]), /declares 65535 bytes/],
    ['A-ASSOCIATE-RQ without application context', PduType.AAssociateRQ, rq.subarray(0, 68), /no Application Context/],
    ['A-ASSOCIATE-AC item in a request', PduType.AAssociateRQ, Buffer.concat([rq, Buffer.from('21000008010000004000000031', 'hex').subarray(0, 12)]), /answer presentation context/],
    ['A-ASSOCIATE-RQ with two User Information items', PduType.AAssociateRQ, Buffer.concat([rq, Buffer.from('5000000851000004000000ff', 'hex')]), /two User Information/],
    ['P-DATA-TF without items', PduType.PDataTF, new Uint8Array(0), /no PDV item/],
    ['P-DATA-TF with a PDV longer than the PDU', PduType.PDataTF, Buffer.from('000000100103aabb', 'hex'), /declares 16 bytes but only 4 remain/],
    ['P-DATA-TF with a PDV of length 1', PduType.PDataTF, Buffer.from('0000000101', 'hex'), /fewer than its 2-byte header/],
    ['P-DATA-TF with a PDV of length 0xFFFFFFFF', PduType.PDataTF, Buffer.from('ffffffff0103', 'hex'), /declares 4294967295 bytes/],
    ['P-DATA-TF with 3 trailing bytes', PduType.PDataTF, Buffer.from('000000020103000000', 'hex'), /trailing bytes/],
  ];
  for (const [name, type, body, message] of cases) {
    assert.throws(() => decodePdu(type, body), (error: unknown) => error instanceof PduError && message.test(error.message), name);
  }
});

test('decodePdu refuses presentation contexts and sub-items that lie about their lengths', () => {
  const base = (items: string) => Buffer.concat([bytesOf(request).subarray(6, 6 + 68), Buffer.from(`10000015${Buffer.from(DICOM_APPLICATION_CONTEXT).toString('hex')}${items}`, 'hex')]);
  const userInfo = '5000000851000004000040 00'.replace(/ /g, '');
  const cases: Array<[string, string, RegExp]> = [
    ['no transfer syntax', `200000080100000030000000${userInfo}`, /no transfer syntax/],
    ['no abstract syntax', `200000080100000040000000${userInfo}`, /no abstract syntax/],
    ['sub-item longer than its context', `2000000801000000300000ff${userInfo}`, /declares 255 bytes/],
    ['maximum length of 3 bytes', '50000007510000030000ff', /Maximum Length sub-item has 3 bytes/],
    ['role selection with a UID length past its end', '500000065400000200ff', /declares 255 bytes/],
    ['user identity with a primary field past its end', '5000000858000004020000ff', /primary field declares 255/],
  ];
  for (const [name, items, message] of cases) {
    assert.throws(() => decodePdu(PduType.AAssociateRQ, base(items)), (error: unknown) => error instanceof PduError && message.test(error.message), name);
  }
});

test('decodePdu returns presentation data values as views of the received bytes', () => {
  const body = Buffer.from('000000060107deadbeef', 'hex');
  const pdu = decodePdu(PduType.PDataTF, body);
  assert.equal(pdu.type, PduType.PDataTF);
  const value = pdu.values[0]!;
  assert.equal(value.data.buffer, body.buffer);
  assert.deepEqual([value.presentationContextId, value.command, value.last], [1, true, true]);
});

test('encodePdu refuses AE titles and UIDs that PS3.5 does not allow', () => {
  const cases: Array<[string, Partial<AAssociateRQ>]> = [
    ['empty AE title', { calledAeTitle: '  ' }],
    ['17-character AE title', { callingAeTitle: 'ABCDEFGHIJKLMNOPQ' }],
    ['AE title with a backslash', { callingAeTitle: 'A\\B' }],
    ['UID with letters', { applicationContext: '1.2.abc' }],
  ];
  for (const [name, change] of cases) assert.throws(() => encodePdu({ ...request, ...change }), /AE title|UID/, name);
});

/** Byte fields as hex, so that a Buffer and a Uint8Array of the same bytes compare equal. */
function normalize(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  if (Array.isArray(value)) return value.map(normalize);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v)]));
  return value;
}

function findItem(body: Buffer, type: number): number {
  let at = 68;
  while (at < body.length) {
    if (body[at] === type) return at;
    at += 4 + body.readUInt16BE(at + 2);
  }
  throw new Error(`item 0x${type.toString(16)} not found`);
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

test('decodePDataParts splits a PDV that spans parts into pieces, only the final piece marked last', () => {
  const body = Buffer.from('000000080103aabbccddeeff' + '000000030102ff', 'hex');
  for (let cut = 0; cut <= body.length; cut++) {
    const pdu = decodePDataParts([body.subarray(0, cut), body.subarray(cut)]);
    const joined = new Map<string, string>();
    for (const v of pdu.values) {
      const key = `${v.presentationContextId}/${v.command}`;
      joined.set(key, (joined.get(key) ?? '') + Buffer.from(v.data).toString('hex'));
    }
    assert.deepEqual([...joined], [['1/true', 'aabbccddeeff'], ['1/false', 'ff']], `cut ${cut}`);
    assert.deepEqual(pdu.values.filter((v) => v.last).map((v) => v.command), [true, false], `cut ${cut}`);
    for (const v of pdu.values) if (v.data.length > 0) assert.ok(v.data.buffer === body.buffer, `cut ${cut}: a view, not a copy`);
  }
});
