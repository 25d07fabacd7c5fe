import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { PATIENT_REFERENCE_PATTERN, patientReference } from './patient-reference.js';

const key = new Uint8Array(32).fill(7);
const otherKey = new Uint8Array(32).fill(8);

test('patientReference() gives the same reference for the same patient, whatever the padding', () => {
  const a = patientReference(key, { patientId: 'PID-0001', issuer: 'HOSP-A' });
  assert.match(a!, PATIENT_REFERENCE_PATTERN);
  assert.equal(patientReference(key, { patientId: ' PID-0001 ', issuer: 'HOSP-A ' }), a);
});

test('patientReference() separates patients, issuers and keys', () => {
  const references = new Set([
    patientReference(key, { patientId: 'PID-0001', issuer: 'HOSP-A' }),
    patientReference(key, { patientId: 'PID-0002', issuer: 'HOSP-A' }),
    patientReference(key, { patientId: 'PID-0001', issuer: 'HOSP-B' }),
    patientReference(key, { patientId: 'PID-0001' }),
    // The issuer and the ID are separated, so moving a character between them changes the reference.
    patientReference(key, { patientId: 'A', issuer: 'HOSP-' }),
    patientReference(key, { patientId: '-A', issuer: 'HOSP' }),
    patientReference(otherKey, { patientId: 'PID-0001', issuer: 'HOSP-A' }),
  ]);
  assert.equal(references.size, 7);
});

test('patientReference() is the first 100 bits of the keyed hash, in Crockford base32', () => {
  const mac = createHmac('sha256', key).update('MedVeil patient reference v1\0HOSP-A\0PID-0001').digest();
  const bits = [...mac].map((byte) => byte.toString(2).padStart(8, '0')).join('').slice(0, 100);
  const expected = bits.match(/.{5}/g)!.map((group) => '0123456789ABCDEFGHJKMNPQRSTVWXYZ'[parseInt(group, 2)]).join('');
  assert.equal(patientReference(key, { patientId: 'PID-0001', issuer: 'HOSP-A' }), `MVP-${expected}`);
});

test('patientReference() names no patient for an empty Patient ID', () => {
  assert.equal(patientReference(key, { patientId: '' }), undefined);
  assert.equal(patientReference(key, { patientId: '   ' }), undefined);
});
