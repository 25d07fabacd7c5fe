import { isIP } from 'node:net';
import { MedVeilError } from '../../errors.js';
import { auditEventTypes, auditOutcomes, type AuditEvent } from './audit-event.js';

/**
 * Checks that `value` is an `AuditEvent` of schema version 1 and returns it typed. Strict, as
 * everything we write must be: unknown members, empty strings, control characters and
 * malformed UIDs or digests are errors. Throws MedVeilError('audit') listing every problem.
 */
export function validateAuditEvent(value: unknown): AuditEvent {
  const problems: string[] = [];
  const event = record(value, 'event', problems);
  if (event === undefined) throw invalid(problems);
  allowOnly(event, ['v', 'time', 'type', 'outcome', 'actor', 'purpose', 'objects', 'digests', 'detail'], 'event', problems);
  if (event.v !== 1) problems.push(`event.v must be 1, got ${JSON.stringify(event.v)}`);
  checkTime(event.time, problems);
  oneOf(event.type, auditEventTypes, 'event.type', problems);
  oneOf(event.outcome, auditOutcomes, 'event.outcome', problems);
  checkActor(event.actor, problems);
  if (event.purpose !== undefined && !(typeof event.purpose === 'string' && /^[A-Z][A-Z0-9_-]{1,31}$/.test(event.purpose))) {
    problems.push('event.purpose must be an HL7 PurposeOfUse code such as TREAT');
  }
  if (event.objects !== undefined) checkObjects(event.objects, problems);
  if (event.digests !== undefined) checkDigests(event.digests, problems);
  if (event.detail !== undefined) checkDetail(event.detail, problems);
  if (problems.length > 0) throw invalid(problems);
  return event as unknown as AuditEvent;
}

function invalid(problems: string[]): MedVeilError {
  return new MedVeilError('audit', `invalid audit event: ${problems.join('; ')}`);
}

function record(value: unknown, path: string, problems: string[]): Record<string, unknown> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(`${path} must be an object`);
    return undefined;
  }
  return value as Record<string, unknown>;
}

function allowOnly(object: Record<string, unknown>, names: string[], path: string, problems: string[]): void {
  for (const name of Object.keys(object)) {
    if (!names.includes(name)) problems.push(`${path} has unknown member "${name}"`);
    else if (object[name] === undefined) problems.push(`${path}.${name} is present but undefined`);
  }
}

function oneOf(value: unknown, allowed: readonly string[], path: string, problems: string[]): void {
  if (typeof value !== 'string' || !allowed.includes(value)) problems.push(`${path} must be one of ${allowed.join(', ')}`);
}

// Printable text of bounded length: no C0/C1 controls, which could forge lines in exports.
function text(value: unknown, path: string, maxLength: number, problems: string[]): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength || /[\u0000-\u001f\u007f-\u009f]/.test(value)) {
    problems.push(`${path} must be 1 to ${maxLength} printable characters`);
  }
}

const TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.\d{3}Z$/;

// Checked by fields rather than through Date: verifyLog validates millions of events.
function checkTime(value: unknown, problems: string[]): void {
  const match = typeof value === 'string' ? TIME.exec(value) : null;
  if (match !== null) {
    const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    const daysInMonth = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
    if (month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour < 24 && minute < 60 && second < 60) return;
  }
  problems.push('event.time must be a UTC time with milliseconds, YYYY-MM-DDTHH:MM:SS.sssZ');
}

const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

function checkActor(value: unknown, problems: string[]): void {
  const actor = record(value, 'event.actor', problems);
  if (actor === undefined) return;
  allowOnly(actor, ['user', 'role', 'department', 'address'], 'event.actor', problems);
  text(actor.user, 'event.actor.user', 256, problems);
  if (actor.role !== undefined) text(actor.role, 'event.actor.role', 64, problems);
  if (actor.department !== undefined) text(actor.department, 'event.actor.department', 128, problems);
  if (actor.address !== undefined && !(typeof actor.address === 'string' && (isIP(actor.address) !== 0 || HOST_NAME.test(actor.address)))) {
    problems.push('event.actor.address must be an IP address or a host name');
  }
}

/** PS3.5 9.1: digits and dots, at most 64 characters, no empty component, no leading zero. */
export function isValidUid(value: unknown): boolean {
  return typeof value === 'string' && value.length <= 64 && /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/.test(value);
}

// A keyed pseudonym such as `MV…` from the de-identification core. PN-style text (with `^`
// or spaces) is refused so that a name pasted here by mistake does not enter an immutable log.
const PATIENT_REFERENCE = /^[A-Za-z0-9][A-Za-z0-9._:-]{3,63}$/;

function checkObjects(value: unknown, problems: string[]): void {
  if (!Array.isArray(value) || value.length === 0 || value.length > 1000) {
    problems.push('event.objects must be a list of 1 to 1000 objects');
    return;
  }
  value.forEach((item, i) => {
    const path = `event.objects[${i}]`;
    const object = record(item, path, problems);
    if (object === undefined) return;
    allowOnly(object, ['study', 'series', 'instance', 'patient'], path, problems);
    if (Object.keys(object).length === 0) problems.push(`${path} names nothing`);
    for (const level of ['study', 'series', 'instance'] as const) {
      if (object[level] !== undefined && !isValidUid(object[level])) problems.push(`${path}.${level} is not a valid UID`);
    }
    if (object.patient !== undefined && !(typeof object.patient === 'string' && PATIENT_REFERENCE.test(object.patient))) {
      problems.push(`${path}.patient must be a pseudonymous reference (letters, digits, . _ : -), never a name`);
    }
  });
}

function checkDigests(value: unknown, problems: string[]): void {
  if (!Array.isArray(value) || value.length === 0 || value.length > 16) {
    problems.push('event.digests must be a list of 1 to 16 digests');
    return;
  }
  value.forEach((item, i) => {
    const path = `event.digests[${i}]`;
    const digest = record(item, path, problems);
    if (digest === undefined) return;
    allowOnly(digest, ['algorithm', 'value'], path, problems);
    oneOf(digest.algorithm, ['sha256', 'sm3'], `${path}.algorithm`, problems);
    if (typeof digest.value !== 'string' || !/^[0-9a-f]{64}$/.test(digest.value)) problems.push(`${path}.value must be 64 lowercase hex digits`);
  });
}

function checkDetail(value: unknown, problems: string[]): void {
  const detail = record(value, 'event.detail', problems);
  if (detail === undefined) return;
  const names = Object.keys(detail);
  if (names.length > 32) problems.push('event.detail may hold at most 32 members');
  for (const name of names) {
    if (!/^[a-z][a-zA-Z0-9-]{0,63}$/.test(name)) problems.push(`event.detail member "${name.slice(0, 64)}" needs a lowerCamel or kebab name`);
    text(detail[name], `event.detail.${name}`, 1024, problems);
  }
}
