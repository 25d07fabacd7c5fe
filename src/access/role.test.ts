import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MedVeilError } from '../errors.js';
import { type ActorInput, parseActor } from './actor.js';
import { ROLES, parseRole } from './role.js';

test('parseRole() accepts exactly the eight roles of issue 4', () => {
  assert.deepEqual([...ROLES], ['admin', 'dso', 'director', 'radiologist', 'clinician', 'technician', 'researcher', 'auditor']);
  for (const role of ROLES) assert.equal(parseRole(role), role);
});

test('parseRole() rejects unknown, mis-cased and non-string roles with an access error', () => {
  for (const bad of ['clinican', 'Clinician', 'ADMIN', ' dso', '', 'superuser', 'constructor', 'toString', 42, null, undefined, ['admin']]) {
    assert.throws(
      () => parseRole(bad),
      (error: unknown) => error instanceof MedVeilError && error.code === 'access' && /unknown role/.test(error.message),
      `role ${JSON.stringify(bad)}`,
    );
  }
});

test('parseActor() keeps roles, departments, directed departments and care relationships', () => {
  const actor = parseActor({
    userId: 'u-1',
    roles: ['clinician', 'director', 'clinician'],
    departments: ['cardiology'],
    directorOf: ['cardiology'],
    careFor: ['patient-a'],
  });
  assert.deepEqual(actor, {
    userId: 'u-1',
    roles: ['clinician', 'director'],
    departments: ['cardiology'],
    directorOf: ['cardiology'],
    careFor: ['patient-a'],
  });
});

const BAD_ACTORS: ReadonlyArray<[string, ActorInput, RegExp]> = [
  ['an unknown role among known ones', { userId: 'u', roles: ['clinician', 'nurse'] }, /unknown role "nurse"/],
  ['no user id', { userId: '', roles: ['clinician'] }, /userId/],
  ['roles that are not a list', { userId: 'u', roles: 'clinician' }, /roles/],
  ['a director who directs nothing', { userId: 'u', roles: ['director'] }, /directs at least one department/],
  ['directorOf without the director role', { userId: 'u', roles: ['clinician'], directorOf: ['cardiology'] }, /not a director/],
  ['a blank department', { userId: 'u', roles: ['clinician'], departments: [''] }, /departments\[0\]/],
  ['a padded care reference', { userId: 'u', roles: ['clinician'], careFor: [' patient-a'] }, /careFor\[0\]/],
  ['a care list that is not a list', { userId: 'u', roles: ['clinician'], careFor: 'patient-a' }, /careFor/],
];

for (const [name, input, message] of BAD_ACTORS) {
  test(`parseActor() rejects ${name}`, () => {
    assert.throws(
      () => parseActor(input),
      (error: unknown) => error instanceof MedVeilError && error.code === 'access' && message.test(error.message),
    );
  });
}
