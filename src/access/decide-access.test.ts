import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MedVeilError } from '../errors.js';
import type { AccessResource, StudyFacts } from './access-resource.js';
import type { RequestedAction } from './action.js';
import type { Actor } from './actor.js';
import { BREAK_GLASS_MAX_MS, type BreakGlass } from './break-glass.js';
import { type AccessDecision, type AccessRequest, decideAccess } from './decide-access.js';
import type { Grant } from './grant.js';
import { POLICY_TABLE, type Effect } from './policy-table.js';
import { REASON_CODES, type ReasonCode } from './reason-code.js';
import type { Role } from './role.js';
import type { SensitivityLevel } from './sensitivity-level.js';

const NOW = Date.UTC(2026, 0, 15, 9, 0, 0);
const HOUR = 60 * 60 * 1000;
const DEPARTMENT = 'cardiology';
const PATIENT = 'patient-a';

function study(level: SensitivityLevel | undefined, overrides: Partial<StudyFacts> = {}): StudyFacts {
  return { studyUid: '2.25.1001', level, department: DEPARTMENT, patientRef: PATIENT, ...overrides };
}

type Relation = 'care' | 'member' | 'directs';

/** An actor holding `roles`, related to the study of `study()` only as `relations` say. */
function actor(roles: string[], relations: Relation[] = [], userId = 'user-1'): Actor {
  return {
    userId,
    roles: roles as Role[],
    careFor: relations.includes('care') ? [PATIENT] : ['patient-z'],
    departments: relations.includes('member') ? [DEPARTMENT] : ['oncology'],
    directorOf: relations.includes('directs') ? [DEPARTMENT] : roles.includes('director') ? ['oncology'] : [],
  };
}

/** Every reason any decision of this file returned, to check that each code is reached. */
const reasonsSeen = new Set<ReasonCode>();

function decide(request: Partial<AccessRequest> & Pick<AccessRequest, 'actor'>): AccessDecision {
  const decision = decideAccess({
    action: 'view',
    resource: { kind: 'study', study: study(3) },
    grants: [],
    now: NOW,
    ...request,
  });
  for (const reason of decision.reasons) reasonsSeen.add(reason);
  return decision;
}

function expect(decision: AccessDecision, effect: Effect, reasons: ReasonCode[]): void {
  assert.deepEqual({ effect: decision.effect, reasons: [...decision.reasons] }, { effect, reasons });
}

// ---------------------------------------------------------------------------------------------
// The policy table, written out case by case (not derived from POLICY_TABLE, so that a wrong
// row fails here). [roles, relations, level, action, effect, reasons]
type PolicyCase = [string[], Relation[], SensitivityLevel, RequestedAction, Effect, ReasonCode[]];

const POLICY_CASES: readonly PolicyCase[] = [
  [['clinician'], ['care'], 1, 'view', 'full', ['care-relationship']],
  [['clinician'], ['care'], 4, 'view', 'full', ['care-relationship']],
  [['clinician'], ['care'], 4, 'query', 'full', ['care-relationship']],
  [['clinician'], ['care'], 5, 'view', 'denied', ['level-too-high']],
  [['clinician'], ['care'], 3, 'export', 'denied', ['export-needs-grant']],
  [['clinician'], ['care', 'member'], 3, 'view', 'full', ['care-relationship']],
  [['clinician'], ['member'], 4, 'view', 'masked', ['same-department']],
  [['clinician'], ['member'], 2, 'query', 'masked', ['same-department']],
  [['clinician'], ['member'], 5, 'query', 'denied', ['level-too-high']],
  [['clinician'], [], 1, 'view', 'denied', ['no-relationship']],
  [['radiologist'], ['care'], 4, 'view', 'full', ['care-relationship']],
  [['radiologist'], ['care'], 5, 'view', 'denied', ['level-too-high']],
  [['radiologist'], ['member'], 2, 'view', 'masked', ['same-department']],
  [['radiologist'], ['member'], 4, 'query', 'masked', ['same-department']],
  [['radiologist'], [], 2, 'query', 'denied', ['no-relationship']],
  [['technician'], ['member'], 1, 'view', 'full', ['same-department']],
  [['technician'], ['member'], 2, 'view', 'full', ['same-department']],
  [['technician'], ['member'], 3, 'view', 'masked', ['same-department']],
  [['technician'], ['member'], 4, 'query', 'masked', ['same-department']],
  [['technician'], ['member'], 5, 'view', 'denied', ['level-too-high']],
  [['technician'], ['care'], 1, 'view', 'denied', ['no-relationship']],
  [['technician'], ['member'], 1, 'export', 'denied', ['export-needs-grant']],
  [['director'], ['directs'], 4, 'view', 'masked', ['directs-department']],
  [['director'], ['directs'], 5, 'view', 'denied', ['level-too-high']],
  [['director'], ['member'], 3, 'view', 'masked', ['same-department']],
  [['director'], ['member'], 4, 'query', 'masked', ['same-department']],
  [['director'], ['care'], 3, 'view', 'denied', ['no-relationship']],
  [['dso'], [], 1, 'query', 'masked', ['security-oversight']],
  [['dso'], [], 4, 'view', 'masked', ['security-oversight']],
  [['dso'], [], 5, 'view', 'denied', ['level-too-high']],
  [['dso'], [], 2, 'export', 'denied', ['export-needs-grant']],
  [['researcher'], [], 1, 'view', 'masked', ['research-deidentified']],
  [['researcher'], [], 4, 'query', 'masked', ['research-deidentified']],
  [['researcher'], ['care', 'member'], 3, 'view', 'masked', ['research-deidentified']],
  [['researcher'], [], 5, 'query', 'denied', ['level-too-high']],
  [['researcher'], [], 1, 'export', 'denied', ['export-needs-grant']],
  [['auditor'], ['care', 'member'], 1, 'view', 'denied', ['auditor-no-image-access']],
  [['auditor'], [], 1, 'query', 'denied', ['auditor-no-image-access']],
  [['admin'], ['care', 'member'], 1, 'view', 'denied', ['admin-no-data-access']],
  [['admin'], [], 1, 'query', 'denied', ['admin-no-data-access']],
  [['admin', 'clinician'], ['care'], 3, 'view', 'full', ['care-relationship']],
  [['admin', 'clinician'], [], 3, 'view', 'denied', ['admin-no-data-access', 'no-relationship']],
  [['technician', 'clinician'], ['member'], 2, 'view', 'full', ['same-department']],
  [['researcher', 'clinician'], ['care'], 3, 'view', 'full', ['care-relationship']],
];

for (const [roles, relations, level, action, effect, reasons] of POLICY_CASES) {
  const related = relations.length === 0 ? 'unrelated' : relations.join('+');
  test(`${roles.join('+')} (${related}) ${action}s a level ${level} study: ${effect} (${reasons.join(', ')})`, () => {
    expect(decide({ actor: actor(roles, relations), action, resource: { kind: 'study', study: study(level) } }), effect, reasons);
  });
}

test('every row of POLICY_TABLE is exercised at its own highest level by a case above', () => {
  for (const row of POLICY_TABLE) {
    const covered = POLICY_CASES.some(
      ([roles, relations, level, action, effect, reasons]) =>
        roles.length === 1 &&
        roles[0] === row.role &&
        (row.relation === 'any' || relations.includes(row.relation)) &&
        level === row.upToLevel &&
        action !== 'export' &&
        effect === row.effect &&
        reasons.includes(row.reason),
    );
    assert.ok(covered, `row ${row.role} ${row.relation} up to ${row.upToLevel}`);
  }
});

test('no role reaches level 5 without a grant or break-glass', () => {
  for (const row of POLICY_TABLE) assert.ok(row.upToLevel <= 4, `${row.role} ${row.relation}`);
});

// ---------------------------------------------------------------------------------------------
// Deny by default: these win over care relationships, grants and break-glass alike.
const EVERYTHING_GRANTED: Pick<AccessRequest, 'grants' | 'breakGlass'> = {
  grants: [
    {
      id: 'g-all',
      subjectUserId: 'user-1',
      scope: { kind: 'patient', patientRef: PATIENT },
      actions: ['query', 'view', 'export'],
      effect: 'full',
      validFrom: NOW - HOUR,
      validUntil: NOW + HOUR,
    },
  ],
  breakGlass: [{ id: 'bg-1', userId: 'user-1', patientRef: PATIENT, startedAt: NOW - 1, endsAt: NOW + HOUR }],
};

const DENY_BY_DEFAULT: ReadonlyArray<[string, Partial<AccessRequest>, ReasonCode]> = [
  ['an unknown action', { action: 'unknown' }, 'unknown-action'],
  ['an action name no adapter should send', { action: 'delete' as RequestedAction }, 'unknown-action'],
  ['an unknown role beside a known one', { actor: actor(['clinician', 'superuser'], ['care']) }, 'unknown-role'],
  ['no role at all', { actor: actor([], ['care']) }, 'no-role'],
  ['an unlabeled study', { resource: { kind: 'study', study: study(undefined) } }, 'no-label'],
  ['an unlabeled study reached through its series', { resource: { kind: 'series', seriesUid: '2.25.2', study: study(undefined) } }, 'no-label'],
  ['a level of 0', { resource: { kind: 'study', study: study(0 as SensitivityLevel) } }, 'invalid-label'],
  ['a level of 6', { resource: { kind: 'study', study: study(6 as SensitivityLevel) } }, 'invalid-label'],
  ['a level of 2.5', { resource: { kind: 'study', study: study(2.5 as SensitivityLevel) } }, 'invalid-label'],
  ['a level given as text', { resource: { kind: 'study', study: study('3' as unknown as SensitivityLevel) } }, 'invalid-label'],
];

for (const [name, request, reason] of DENY_BY_DEFAULT) {
  test(`deny by default: ${name} is denied (${reason}) despite care, a grant and break-glass`, () => {
    expect(decide({ actor: actor(['clinician'], ['care', 'member']), ...EVERYTHING_GRANTED, ...request }), 'denied', [reason]);
  });
}

test('a clock reading that is not a number is our bug, not a decision', () => {
  assert.throws(
    () => decideAccess({ actor: actor(['clinician'], ['care']), action: 'view', resource: { kind: 'study', study: study(3) }, grants: [], now: NaN }),
    (error: unknown) => error instanceof MedVeilError && error.code === 'internal',
  );
});

test('blank department and patient references relate nobody to the study', () => {
  const blank = study(2, { department: '', patientRef: '' });
  const holder: Actor = { userId: 'user-1', roles: ['clinician', 'technician'], departments: [''], directorOf: [], careFor: [''] };
  expect(decide({ actor: holder, resource: { kind: 'study', study: blank } }), 'denied', ['no-relationship']);
});

// ---------------------------------------------------------------------------------------------
// Series and instances are decided by the study the index holds them in.
const ALLOWED = study(3, { studyUid: '2.25.100' });
const FORBIDDEN = study(3, { studyUid: '2.25.200', department: 'psychiatry', patientRef: 'patient-b' });

const HIERARCHY_CASES: ReadonlyArray<[string, AccessResource, Effect, ReasonCode[]]> = [
  ['a series of the allowed study', { kind: 'series', seriesUid: '2.25.101', study: ALLOWED, requestedStudyUid: '2.25.100' }, 'full', ['care-relationship']],
  [
    'a series of a forbidden study named under the allowed study',
    { kind: 'series', seriesUid: '2.25.201', study: FORBIDDEN, requestedStudyUid: ALLOWED.studyUid },
    'denied',
    ['study-mismatch'],
  ],
  ['a series of a forbidden study named alone', { kind: 'series', seriesUid: '2.25.201', study: FORBIDDEN }, 'denied', ['no-relationship']],
  [
    'an instance of a forbidden study named under the allowed study',
    { kind: 'instance', sopInstanceUid: '2.25.202', seriesUid: '2.25.201', study: FORBIDDEN, requestedStudyUid: ALLOWED.studyUid },
    'denied',
    ['study-mismatch'],
  ],
  [
    'an instance of the allowed study named under a series it is not in',
    { kind: 'instance', sopInstanceUid: '2.25.102', seriesUid: '2.25.101', study: ALLOWED, requestedStudyUid: ALLOWED.studyUid, requestedSeriesUid: '2.25.999' },
    'denied',
    ['series-mismatch'],
  ],
  [
    'an instance of the allowed study under its own series',
    { kind: 'instance', sopInstanceUid: '2.25.102', seriesUid: '2.25.101', study: ALLOWED, requestedStudyUid: ALLOWED.studyUid, requestedSeriesUid: '2.25.101' },
    'full',
    ['care-relationship'],
  ],
  [
    'an instance of a forbidden study named by its own UIDs',
    { kind: 'instance', sopInstanceUid: '2.25.202', seriesUid: '2.25.201', study: FORBIDDEN, requestedStudyUid: FORBIDDEN.studyUid },
    'denied',
    ['no-relationship'],
  ],
];

for (const [name, resource, effect, reasons] of HIERARCHY_CASES) {
  test(`a clinician caring for the allowed study's patient: ${name} is ${effect}`, () => {
    expect(decide({ actor: actor(['clinician'], ['care']), resource }), effect, reasons);
  });
}

test('a grant on the allowed study does not reach a forbidden series named under it', () => {
  const grant: Grant = {
    id: 'g-allowed',
    subjectUserId: 'user-1',
    scope: { kind: 'studies', studyUids: [ALLOWED.studyUid] },
    actions: ['view'],
    effect: 'full',
    validFrom: NOW - HOUR,
    validUntil: NOW + HOUR,
  };
  const resource: AccessResource = { kind: 'series', seriesUid: '2.25.201', study: FORBIDDEN, requestedStudyUid: ALLOWED.studyUid };
  expect(decide({ actor: actor(['researcher']), resource, grants: [grant] }), 'denied', ['study-mismatch']);
  expect(decide({ actor: actor(['clinician']), resource: { ...resource, requestedStudyUid: undefined }, grants: [grant] }), 'denied', ['no-relationship']);
});

// ---------------------------------------------------------------------------------------------
// Grants: active from validFrom (inclusive) to validUntil and revokedAt (exclusive), to the ms.
const VALID_FROM = NOW;
const VALID_UNTIL = NOW + 72 * HOUR;

function grant(overrides: Partial<Grant> = {}): Grant {
  return {
    id: 'g-1',
    subjectUserId: 'user-1',
    scope: { kind: 'patient', patientRef: PATIENT },
    actions: ['query', 'view'],
    effect: 'full',
    validFrom: VALID_FROM,
    validUntil: VALID_UNTIL,
    ...overrides,
  };
}

/** [case, actor, grant, now, action, level, effect, reasons] */
type GrantCase = [string, Actor, Grant, number, RequestedAction, SensitivityLevel, Effect, ReasonCode[]];

const STRANGER = actor(['clinician']);
const COLLEAGUE = actor(['clinician'], ['member']);

const GRANT_CASES: readonly GrantCase[] = [
  ['1 ms before validFrom', STRANGER, grant(), VALID_FROM - 1, 'view', 3, 'denied', ['no-relationship', 'grant-not-yet-valid']],
  ['at validFrom', STRANGER, grant(), VALID_FROM, 'view', 3, 'full', ['grant']],
  ['at validUntil - 1 ms', STRANGER, grant(), VALID_UNTIL - 1, 'view', 3, 'full', ['grant']],
  ['at validUntil', STRANGER, grant(), VALID_UNTIL, 'view', 3, 'denied', ['no-relationship', 'grant-expired']],
  ['at validUntil, for a colleague of the department', COLLEAGUE, grant(), VALID_UNTIL, 'view', 3, 'masked', ['same-department']],
  ['at validUntil - 1 ms, for a colleague of the department', COLLEAGUE, grant(), VALID_UNTIL - 1, 'view', 3, 'full', ['grant']],
  ['1 ms before revocation', STRANGER, grant({ revokedAt: NOW + HOUR }), NOW + HOUR - 1, 'view', 3, 'full', ['grant']],
  ['at revocation', STRANGER, grant({ revokedAt: NOW + HOUR }), NOW + HOUR, 'view', 3, 'denied', ['no-relationship', 'grant-revoked']],
  ['after revocation, for a colleague', COLLEAGUE, grant({ revokedAt: NOW + HOUR }), NOW + 2 * HOUR, 'view', 3, 'masked', ['same-department']],
  ['on a level 5 study', STRANGER, grant(), NOW, 'view', 5, 'full', ['grant']],
  ['for query', STRANGER, grant(), NOW, 'query', 4, 'full', ['grant']],
  ['of another user', STRANGER, grant({ subjectUserId: 'user-2' }), NOW, 'view', 3, 'denied', ['no-relationship']],
  ['for another patient', STRANGER, grant({ scope: { kind: 'patient', patientRef: 'patient-b' } }), NOW, 'view', 3, 'denied', ['no-relationship']],
  ['for the study by UID', STRANGER, grant({ scope: { kind: 'studies', studyUids: ['2.25.9', '2.25.1001'] } }), NOW, 'view', 3, 'full', ['grant']],
  ['for other studies', STRANGER, grant({ scope: { kind: 'studies', studyUids: ['2.25.9'] } }), NOW, 'view', 3, 'denied', ['no-relationship']],
  ['for view, asked to export', STRANGER, grant(), NOW, 'export', 3, 'denied', ['export-needs-grant']],
  ['for export', STRANGER, grant({ actions: ['export'] }), NOW, 'export', 3, 'full', ['grant']],
  ['for a de-identified export, to a researcher', actor(['researcher']), grant({ actions: ['export'], effect: 'masked' }), NOW, 'export', 4, 'masked', ['grant']],
  ['for a de-identified export, asked to view', actor(['researcher']), grant({ actions: ['export'], effect: 'masked' }), NOW, 'view', 5, 'denied', ['level-too-high']],
  ['held by an admin', actor(['admin']), grant(), NOW, 'view', 3, 'denied', ['admin-no-data-access', 'grant-needs-data-role']],
  ['held by an auditor', actor(['auditor']), grant(), NOW, 'view', 1, 'denied', ['auditor-no-image-access', 'grant-needs-data-role']],
  ['held by an admin who is also a technician', actor(['admin', 'technician']), grant(), NOW, 'view', 3, 'full', ['grant']],
];

for (const [name, holder, held, now, action, level, effect, reasons] of GRANT_CASES) {
  test(`a grant ${name}: ${effect} (${reasons.join(', ')})`, () => {
    expect(decide({ actor: holder, action, now, grants: [held], resource: { kind: 'study', study: study(level) } }), effect, reasons);
  });
}

test('the decision names the grant that gave it, and only an active one', () => {
  const grants = [grant({ id: 'g-old', validUntil: NOW }), grant({ id: 'g-new' })];
  assert.equal(decide({ actor: STRANGER, grants }).grantId, 'g-new');
  assert.equal(decide({ actor: STRANGER, grants: grants.slice(0, 1) }).grantId, undefined);
  assert.equal(decide({ actor: actor(['clinician'], ['care']) }).grantId, undefined);
});

test('a patient grant does not match a study without a patient reference', () => {
  const anonymous = study(3, { patientRef: undefined });
  const blankGrant = grant({ scope: { kind: 'patient', patientRef: '' } });
  expect(decide({ actor: STRANGER, grants: [grant(), blankGrant], resource: { kind: 'study', study: anonymous } }), 'denied', ['no-relationship']);
  expect(decide({ actor: STRANGER, grants: [blankGrant], resource: { kind: 'study', study: study(3, { patientRef: '' }) } }), 'denied', ['no-relationship']);
});

// ---------------------------------------------------------------------------------------------
// Break-glass: full view of one patient for at most 4 hours, never export.
const STARTED = NOW;

function session(overrides: Partial<BreakGlass> = {}): BreakGlass {
  return { id: 'bg-1', userId: 'user-1', patientRef: PATIENT, startedAt: STARTED, endsAt: STARTED + BREAK_GLASS_MAX_MS, ...overrides };
}

/** [case, actor, session, now, action, level, effect, reasons] */
type BreakGlassCase = [string, Actor, BreakGlass, number, RequestedAction, SensitivityLevel, Effect, ReasonCode[]];

const BREAK_GLASS_CASES: readonly BreakGlassCase[] = [
  ['at its start', STRANGER, session(), STARTED, 'view', 3, 'full', ['break-glass']],
  ['1 ms before its start', STRANGER, session(), STARTED - 1, 'view', 3, 'denied', ['no-relationship', 'break-glass-not-started']],
  ['for query', STRANGER, session(), STARTED, 'query', 3, 'full', ['break-glass']],
  ['on a level 5 study', STRANGER, session(), STARTED, 'view', 5, 'full', ['break-glass']],
  ['at 4 h - 1 ms', STRANGER, session(), STARTED + BREAK_GLASS_MAX_MS - 1, 'view', 3, 'full', ['break-glass']],
  ['at 4 h', STRANGER, session(), STARTED + BREAK_GLASS_MAX_MS, 'view', 3, 'denied', ['no-relationship', 'break-glass-expired']],
  ['asking for 10 h, at 4 h', STRANGER, session({ endsAt: STARTED + 10 * HOUR }), STARTED + BREAK_GLASS_MAX_MS, 'view', 3, 'denied', ['no-relationship', 'break-glass-expired']],
  ['asking for 1 h, at 1 h', STRANGER, session({ endsAt: STARTED + HOUR }), STARTED + HOUR, 'view', 3, 'denied', ['no-relationship', 'break-glass-expired']],
  ['closed early, at its close', STRANGER, session({ endedAt: STARTED + HOUR }), STARTED + HOUR, 'view', 3, 'denied', ['no-relationship', 'break-glass-ended']],
  ['asked to export', STRANGER, session(), STARTED, 'export', 3, 'denied', ['export-needs-grant', 'break-glass-export-refused']],
  ['asked to export by a clinician with care', actor(['clinician'], ['care']), session(), STARTED, 'export', 1, 'denied', ['export-needs-grant', 'break-glass-export-refused']],
  ['for another patient', STRANGER, session({ patientRef: 'patient-b' }), STARTED, 'view', 3, 'denied', ['no-relationship']],
  ['of another user', STRANGER, session({ userId: 'user-2' }), STARTED, 'view', 3, 'denied', ['no-relationship']],
  ['held by a radiologist', actor(['radiologist']), session(), STARTED, 'view', 4, 'full', ['break-glass']],
  ['held by a technician', actor(['technician']), session(), STARTED, 'view', 3, 'denied', ['no-relationship', 'break-glass-needs-clinical-role']],
  ['held by an admin', actor(['admin']), session(), STARTED, 'view', 3, 'denied', ['admin-no-data-access', 'break-glass-needs-clinical-role']],
];

for (const [name, holder, open, now, action, level, effect, reasons] of BREAK_GLASS_CASES) {
  test(`break-glass ${name}: ${effect} (${reasons.join(', ')})`, () => {
    expect(decide({ actor: holder, action, now, breakGlass: [open], resource: { kind: 'study', study: study(level) } }), effect, reasons);
  });
}

test('the decision names the break-glass session that gave it', () => {
  assert.equal(decide({ actor: STRANGER, breakGlass: [session({ id: 'bg-7' })] }).breakGlassId, 'bg-7');
});

// Declared last: tests of one file run in order, so every decision above has been made.
test('every reason code is reached by some case of this file', () => {
  const missing = Object.keys(REASON_CODES).filter((code) => !reasonsSeen.has(code as ReasonCode));
  assert.deepEqual(missing, []);
});
