import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type AssociationPolicy, negotiateAssociation } from './negotiate-association.js';
import { type AAssociateRQ, DICOM_APPLICATION_CONTEXT, PduType, RejectUserReason } from './pdu.js';

const CT = '1.2.840.10008.5.1.4.1.1.2';
const JPEG = '1.2.840.10008.1.2.4.50';
const EXPLICIT = '1.2.840.10008.1.2.1';
const IMPLICIT = '1.2.840.10008.1.2';

const policy: AssociationPolicy = {
  aeTitle: 'MEDVEIL',
  acceptsAbstractSyntax: (uid) => uid === CT || uid === '1.2.840.10008.1.1',
  acceptsTransferSyntax: (uid) => uid === EXPLICIT || uid === IMPLICIT || uid === JPEG,
  maxPduLength: 65536,
  implementationClassUid: '1.2.3',
  implementationVersionName: 'TEST',
};

function request(change: Partial<AAssociateRQ> = {}): AAssociateRQ {
  return {
    type: PduType.AAssociateRQ, protocolVersion: 1, calledAeTitle: 'MEDVEIL', callingAeTitle: 'SCU',
    applicationContext: DICOM_APPLICATION_CONTEXT,
    presentationContexts: [
      { id: 1, abstractSyntax: CT, transferSyntaxes: ['1.2.840.10008.1.2.4.90', JPEG, EXPLICIT] },
      { id: 3, abstractSyntax: CT, transferSyntaxes: [IMPLICIT] },
      { id: 5, abstractSyntax: '1.2.840.10008.5.1.4.1.1.4', transferSyntaxes: [EXPLICIT] },
      { id: 7, abstractSyntax: '1.2.840.10008.1.1', transferSyntaxes: ['1.2.840.10008.1.2.4.90'] },
    ],
    userInformation: {
      maxPduLength: 16384, implementationClassUid: '9.9', extendedNegotiations: [],
      roleSelections: [{ sopClassUid: CT, scuRole: false, scpRole: true }],
    },
    ...change,
  };
}

test('negotiateAssociation accepts the first supported transfer syntax in the requestor\'s order and says why others fail', () => {
  const result = negotiateAssociation(request(), policy);
  assert.equal(result.kind, 'accept');
  if (result.kind !== 'accept') return;
  assert.deepEqual(result.accept.presentationContexts.map((pc) => [pc.id, pc.result, pc.transferSyntax]), [
    [1, 0, JPEG],
    [3, 0, IMPLICIT],
    [5, 3, EXPLICIT],
    [7, 4, '1.2.840.10008.1.2.4.90'],
  ]);
  assert.equal(result.accept.userInformation.maxPduLength, 65536);
});

test('negotiateAssociation grants the SCP role a requestor proposes for an accepted SOP class (C-GET, PS3.7 D.3.3.4)', () => {
  const result = negotiateAssociation(request(), policy);
  assert.equal(result.kind, 'accept');
  if (result.kind !== 'accept') return;
  assert.deepEqual(result.accept.userInformation.roleSelections, [{ sopClassUid: CT, scuRole: false, scpRole: true }]);
  assert.deepEqual(result.contexts.map((c) => [c.id, c.requestorIsScu, c.requestorIsScp]), [[1, false, true], [3, false, true]]);
  const withoutRoles = negotiateAssociation(request({ userInformation: { ...request().userInformation, roleSelections: [] } }), policy);
  assert.ok(withoutRoles.kind === 'accept' && withoutRoles.contexts.every((c) => c.requestorIsScu && !c.requestorIsScp));
});

test('negotiateAssociation rejects another called AE title and another application context (PS3.8 Table 9-21)', () => {
  const cases: Array<[string, Partial<AAssociateRQ>, number]> = [
    ['called AE title', { calledAeTitle: 'OTHER' }, RejectUserReason.CalledAeTitleNotRecognized],
    ['application context', { applicationContext: '1.2.3' }, RejectUserReason.ApplicationContextNameNotSupported],
  ];
  for (const [name, change, reason] of cases) {
    const result = negotiateAssociation(request(change), policy);
    assert.ok(result.kind === 'reject', name);
    assert.deepEqual([result.reject.result, result.reject.source, result.reject.reason], [1, 1, reason], name);
  }
});
