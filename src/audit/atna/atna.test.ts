import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { AuditEvent } from '../event/audit-event.js';
import { auditEventTypes } from '../event/audit-event.js';
import { auditMessageXml } from './audit-message-xml.js';
import { octetCountingFrame, syslogMessage } from './syslog-message.js';
import { SAMPLE_VIEW_EVENT } from '../../../test/support/sample-audit-event.js';

const event: AuditEvent = {
  ...SAMPLE_VIEW_EVENT,
  digests: [{ algorithm: 'sha256', value: 'ab'.repeat(32) }],
  detail: { viewer: 'OHIF & co <beta>' },
};

/** Reads the XML with Python's xml.etree, an independent parser, and returns what a SIEM would see. */
function readWithPython(xml: string): any {
  const script = `
import sys, json, xml.etree.ElementTree as ET
root = ET.fromstring(sys.stdin.buffer.read())
def el(e): return {"tag": e.tag, "attrib": e.attrib, "text": (e.text or "").strip(), "children": [el(c) for c in e]}
print(json.dumps(el(root)))`;
  const run = spawnSync('/usr/bin/python3', ['-c', script], { input: xml });
  assert.equal(run.status, 0, run.stderr.toString());
  return JSON.parse(run.stdout.toString());
}

test('auditMessageXml() writes a PS3.15 A.5.1 message with the DCM codes of a DICOM instances access', () => {
  const root = readWithPython(auditMessageXml(event, { sourceId: 'medveil@hospital', ledger: { origin: 'hospital.example/audit', index: 42 } }));
  assert.equal(root.tag, 'AuditMessage');
  assert.deepEqual(root.children.map((c: any) => c.tag), [
    'EventIdentification', 'ActiveParticipant', 'ActiveParticipant', 'AuditSourceIdentification',
    'ParticipantObjectIdentification', 'ParticipantObjectIdentification', 'ParticipantObjectIdentification',
  ]);
  const [ident, user, app, source, study, patient, ledger] = root.children;
  assert.deepEqual(ident.attrib, { EventActionCode: 'R', EventDateTime: '2025-03-01T08:15:30.123Z', EventOutcomeIndicator: '0' });
  assert.deepEqual(ident.children[0].attrib, { 'csd-code': '110103', codeSystemName: 'DCM', originalText: 'DICOM Instances Accessed' });
  assert.equal(ident.children.find((c: any) => c.tag === 'EventOutcomeDescription').text, 'viewer=OHIF & co <beta>');
  assert.equal(ident.children.find((c: any) => c.tag === 'PurposeOfUse').attrib['csd-code'], 'TREAT');
  assert.deepEqual(user.attrib, { UserID: 'dr.chen', UserIsRequestor: 'true', NetworkAccessPointID: '10.1.2.3', NetworkAccessPointTypeCode: '2' });
  assert.equal(app.attrib.UserIsRequestor, 'false');
  assert.equal(source.attrib.AuditSourceID, 'medveil@hospital');
  assert.equal(study.attrib.ParticipantObjectID, '1.2.840.113619.2.55.3');
  assert.equal(study.children[0].attrib['csd-code'], '110180');
  const details = Object.fromEntries(study.children.slice(1).map((c: any) => [c.attrib.type, Buffer.from(c.attrib.value, 'base64')]));
  assert.equal(details.SeriesInstanceUID.toString(), '1.2.840.113619.2.55.3.1');
  assert.equal(details.sha256.toString('hex'), 'ab'.repeat(32));
  assert.deepEqual(patient.attrib, { ParticipantObjectID: 'MV7Q2K9XZ4', ParticipantObjectTypeCode: '1', ParticipantObjectTypeCodeRole: '1' });
  assert.equal(ledger.attrib.ParticipantObjectID, '42');
});

test('auditMessageXml() gives every event type an EventID and maps outcomes to 0/4/8/12', () => {
  const outcomes = { success: '0', 'minor-failure': '4', 'serious-failure': '8', 'major-failure': '12' } as const;
  for (const type of auditEventTypes) {
    for (const [outcome, indicator] of Object.entries(outcomes)) {
      const root = readWithPython(auditMessageXml({ v: 1, time: event.time, type, outcome: outcome as AuditEvent['outcome'], actor: { user: 'u' } }, { sourceId: 's' }));
      assert.equal(root.children[0].attrib.EventOutcomeIndicator, indicator);
      assert.match(root.children[0].children[0].attrib['csd-code'], /^1101\d\d$/, type);
    }
  }
});

test('syslogMessage() frames the XML as RFC 5424 with PRI 85, MSGID IHE+RFC-3881 and a BOM; octet counting counts bytes', () => {
  const xml = auditMessageXml({ ...event, actor: { user: 'dr.müller' } }, { sourceId: 'medveil' });
  const message = Buffer.from(syslogMessage(xml, { timestamp: event.time, hostname: 'pacs gw', procId: '123' }));
  const text = message.toString('utf8');
  assert.ok(text.startsWith('<85>1 2025-03-01T08:15:30.123Z pacs_gw medveil 123 IHE+RFC-3881 - \uFEFF<?xml'));
  assert.ok(text.includes('UserID="dr.müller"'));
  const framed = Buffer.from(octetCountingFrame(message)).toString('latin1');
  const [length] = framed.split(' ');
  assert.equal(Number(length), message.length);
  assert.notEqual(message.length, text.length);
});
