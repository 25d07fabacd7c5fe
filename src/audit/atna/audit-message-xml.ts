import { isIP } from 'node:net';
import type { AuditEvent } from '../event/audit-event.js';
import { atnaEventCodes, atnaOutcome, type AuditCode } from './atna-event-code.js';

export interface AuditMessageOptions {
  /** AuditSourceID: which MedVeil installation recorded the event. */
  sourceId: string;
  /** The event's place in the ledger, so a SIEM entry leads back to a verifiable receipt. */
  ledger?: { origin: string; index: number };
}

/**
 * The DICOM audit message (PS3.15 A.5.1, derived from RFC 3881) for one event: elements in the
 * schema's order, EventIdentification, the actor (and MedVeil itself) as ActiveParticipants,
 * AuditSourceIdentification, then one ParticipantObjectIdentification per study and patient
 * reference. Series and instance UIDs and data digests ride as ParticipantObjectDetail
 * (type, base64 value) of their study.
 */
export function auditMessageXml(event: AuditEvent, options: AuditMessageOptions): string {
  const codes = atnaEventCodes[event.type];
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>', '<AuditMessage>'];
  out.push(`  <EventIdentification${attrs({
    EventActionCode: codes.action,
    EventDateTime: event.time,
    EventOutcomeIndicator: String(atnaOutcome[event.outcome]),
  })}>`);
  out.push(`    ${code('EventID', codes.id)}`);
  if (codes.type !== undefined) out.push(`    ${code('EventTypeCode', codes.type)}`);
  const detail = Object.entries(event.detail ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (detail.length > 0) out.push(`    <EventOutcomeDescription>${text(detail.map(([k, v]) => `${k}=${v}`).join('; '))}</EventOutcomeDescription>`);
  // HL7 v3 PurposeOfUse is from the ActReason code system, OID 2.16.840.1.113883.5.8.
  if (event.purpose !== undefined) out.push(`    ${code('PurposeOfUse', { code: event.purpose, system: '2.16.840.1.113883.5.8', meaning: event.purpose })}`);
  out.push('  </EventIdentification>');

  const actor = event.actor;
  out.push(`  <ActiveParticipant${attrs({
    UserID: actor.user,
    UserIsRequestor: 'true',
    // NetworkAccessPointTypeCode: 1 machine name, 2 IP address (RFC 3881 5.2.5).
    ...(actor.address === undefined ? {} : { NetworkAccessPointID: actor.address, NetworkAccessPointTypeCode: isIP(actor.address) === 0 ? '1' : '2' }),
  })}>`);
  if (actor.role !== undefined) {
    const meaning = actor.department === undefined ? actor.role : `${actor.role} (${actor.department})`;
    out.push(`    ${code('RoleIDCode', { code: actor.role, system: 'MedVeil', meaning })}`);
  }
  out.push('  </ActiveParticipant>');
  out.push(`  <ActiveParticipant${attrs({ UserID: options.sourceId, UserIsRequestor: 'false' })}>`);
  out.push(`    ${code('RoleIDCode', { code: '110150', system: 'DCM', meaning: 'Application' })}`);
  out.push('  </ActiveParticipant>');

  out.push(`  <AuditSourceIdentification${attrs({ AuditSourceID: options.sourceId })}>`);
  out.push(`    ${code('AuditSourceTypeCode', { code: '4', system: 'DCM', meaning: 'Application Server Process' })}`);
  out.push('  </AuditSourceIdentification>');

  const firstStudy = (event.objects ?? []).findIndex((o) => o.study !== undefined);
  (event.objects ?? []).forEach((object, i) => {
    if (object.study !== undefined) {
      // ParticipantObjectTypeCode 2 system object, role 3 report (PS3.15 A.5.2.x study objects).
      out.push(`  <ParticipantObjectIdentification${attrs({ ParticipantObjectID: object.study, ParticipantObjectTypeCode: '2', ParticipantObjectTypeCodeRole: '3' })}>`);
      out.push(`    ${code('ParticipantObjectIDTypeCode', { code: '110180', system: 'DCM', meaning: 'Study Instance UID' })}`);
      if (object.series !== undefined) out.push(`    ${detailElement('SeriesInstanceUID', object.series)}`);
      if (object.instance !== undefined) out.push(`    ${detailElement('SOPInstanceUID', object.instance)}`);
      if (i === firstStudy) for (const digest of event.digests ?? []) out.push(`    ${detailElement(digest.algorithm, Buffer.from(digest.value, 'hex'))}`);
      out.push('  </ParticipantObjectIdentification>');
    }
    if (object.patient !== undefined) {
      // Type 1 person, role 1 patient; ID type 2 "Patient Number" of RFC 3881. The ID is our pseudonym.
      out.push(`  <ParticipantObjectIdentification${attrs({ ParticipantObjectID: object.patient, ParticipantObjectTypeCode: '1', ParticipantObjectTypeCodeRole: '1' })}>`);
      out.push(`    ${code('ParticipantObjectIDTypeCode', { code: '2', system: 'RFC-3881', meaning: 'Patient Number' })}`);
      out.push('  </ParticipantObjectIdentification>');
    }
  });
  if (options.ledger !== undefined) {
    // Type 2 system object, role 13 security resource: the ledger entry that holds this event.
    out.push(`  <ParticipantObjectIdentification${attrs({ ParticipantObjectID: String(options.ledger.index), ParticipantObjectTypeCode: '2', ParticipantObjectTypeCodeRole: '13' })}>`);
    out.push(`    ${code('ParticipantObjectIDTypeCode', { code: 'ledger-index', system: 'MedVeil', meaning: 'Audit ledger index' })}`);
    out.push(`    <ParticipantObjectName>${text(options.ledger.origin)}</ParticipantObjectName>`);
    out.push('  </ParticipantObjectIdentification>');
  }
  out.push('</AuditMessage>');
  return `${out.join('\n')}\n`;
}

function code(element: string, value: AuditCode): string {
  return `<${element}${attrs({ 'csd-code': value.code, codeSystemName: value.system, originalText: value.meaning })}/>`;
}

function detailElement(type: string, value: string | Uint8Array): string {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value);
  return `<ParticipantObjectDetail${attrs({ type, value: bytes.toString('base64') })}/>`;
}

function attrs(values: Record<string, string>): string {
  return Object.entries(values).map(([name, value]) => ` ${name}="${attribute(value)}"`).join('');
}

function text(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attribute(value: string): string {
  return text(value).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}
