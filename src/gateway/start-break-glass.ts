import { randomUUID } from 'node:crypto';
import { BREAK_GLASS_MAX_MS } from '../access/break-glass.js';
import { BREAK_GLASS_ROLES } from '../access/policy-table.js';
import type { FindQuery } from '../dicom/query/find-query.js';
import { breakGlassNotifications } from '../notify/break-glass-messages.js';
import type { UserRecord } from '../storage/account-store.js';
import type { BreakGlassRecord } from '../storage/break-glass-store.js';
import { auditActorOf } from './audit-actor.js';
import {
  BREAK_GLASS_PURPOSE,
  BREAK_GLASS_REASON_CODES,
  MAX_BREAK_GLASS_TEXT,
  breakGlassAudience,
  breakGlassRefusal,
  isBreakGlassReasonCode,
  refusalEvent,
  type BreakGlassDeps,
  type BreakGlassRefusal,
} from './break-glass-deps.js';

export interface StartBreakGlassInput {
  readonly by: UserRecord;
  /** The patient's pseudonymous reference, or... */
  readonly patientRef?: unknown;
  /** ...a study of the patient (exactly one of the two). */
  readonly studyUid?: unknown;
  readonly reasonCode: unknown;
  readonly reasonText: unknown;
  /** Whole minutes; the policy's maximum when absent. */
  readonly durationMinutes?: unknown;
}

export type StartBreakGlassResult = { readonly outcome: 'started'; readonly session: BreakGlassRecord; readonly studies: number } | BreakGlassRefusal;

/** As audit events accept a patient reference (validate-audit-event.ts). */
const PATIENT_REFERENCE = /^[A-Za-z0-9][A-Za-z0-9._:-]{3,63}$/;
const UID = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/;
/** Control characters other than tab and line feed: nothing a person types into a reason. */
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/;

/** Every study; only the visibility callback's view of each is used. */
const ALL_STUDIES: FindQuery = { level: 'study', scope: {}, matchKeys: [], returnKeys: [], limit: undefined, offset: 0, fuzzy: false, warnings: [] };

/**
 * A clinician or radiologist opens emergency access to one patient's studies (issue 6,
 * break-glass). Checked in this order, each refusal audited with the purpose `BTG`: the role
 * (BREAK_GLASS_ROLES), the reason code and text, the patient (named, or through a study), the
 * duration, the rate limit. A start is recorded before it is stored, so a session the log
 * does not hold never gives access; its notifications are queued in the same transaction as
 * the session, and delivered by the outbox (deliver-notifications.ts) without holding up the
 * answer.
 */
export async function startBreakGlass(deps: BreakGlassDeps, input: StartBreakGlassInput): Promise<StartBreakGlassResult> {
  const { by } = input;
  const now = deps.clock.now();
  const codeGiven: Record<string, string> = isBreakGlassReasonCode(input.reasonCode) ? { reasonCode: input.reasonCode } : {};
  const refuse = async (reason: BreakGlassRefusal['reason'], message: string, options: { retryAt?: number; patientRef?: string } = {}) => {
    await deps.audit.append(refusalEvent(by, 'start', reason, codeGiven, options.patientRef));
    return breakGlassRefusal(reason, message, options.retryAt);
  };

  if (!by.roles.some((role) => BREAK_GLASS_ROLES.includes(role))) {
    return refuse('break-glass-role', `break-glass is for ${BREAK_GLASS_ROLES.join(' and ')} accounts; request access instead`);
  }
  if (!isBreakGlassReasonCode(input.reasonCode)) {
    return refuse('invalid-break-glass-reason', `give reasonCode as one of: ${Object.keys(BREAK_GLASS_REASON_CODES).join(', ')}`);
  }
  const reasonText = typeof input.reasonText === 'string' ? input.reasonText.trim() : '';
  if (reasonText === '' || reasonText.length > MAX_BREAK_GLASS_TEXT || CONTROL.test(reasonText)) {
    return refuse('invalid-break-glass-reason', `give reasonText: why this access is needed now, 1 to ${MAX_BREAK_GLASS_TEXT} characters of text; the reviewer reads it`);
  }
  const reasonCode = input.reasonCode;

  const byPatient = input.patientRef !== undefined;
  const byStudy = input.studyUid !== undefined;
  if (byPatient === byStudy) return refuse('invalid-break-glass-request', 'name the patient by patientRef or by one of their studies (studyUid), not both');
  let patientRef: string;
  let studyUid: string | undefined;
  if (byStudy) {
    if (typeof input.studyUid !== 'string' || input.studyUid.length > 64 || !UID.test(input.studyUid)) return refuse('invalid-break-glass-request', 'studyUid is not a DICOM UID');
    const study = await deps.index.getStudy({ studyUid: input.studyUid });
    if (study === undefined || study.patientRef === undefined || study.patientRef === '') return refuse('unknown-study', `no study ${input.studyUid} with a known patient`);
    patientRef = study.patientRef;
    studyUid = study.studyUid;
  } else {
    if (typeof input.patientRef !== 'string' || !PATIENT_REFERENCE.test(input.patientRef)) {
      return refuse('invalid-break-glass-request', 'patientRef is a pseudonymous patient reference (4 to 64 letters, digits, . _ : -)');
    }
    patientRef = input.patientRef;
  }

  const maxMinutes = Math.floor(Math.min(deps.policy.maxDurationMs, BREAK_GLASS_MAX_MS) / 60_000);
  const minutes = input.durationMinutes ?? maxMinutes;
  if (typeof minutes !== 'number' || !Number.isInteger(minutes) || minutes < 1 || minutes > maxMinutes) {
    return refuse('invalid-break-glass-request', `durationMinutes is a whole number from 1 to ${maxMinutes}`, { patientRef });
  }

  const since = now - deps.policy.rateWindowMs;
  const limit = { max: deps.policy.maxSessionsPerUser, since };
  const rateLimited = async () => {
    const earliest = (await deps.store.sessionsOf(by.name, since))[0];
    const retryAt = earliest === undefined ? now : earliest.startedAt + deps.policy.rateWindowMs;
    return refuse('break-glass-rate-limit', `at most ${limit.max} break-glass sessions per ${deps.policy.rateWindowMs / 3_600_000} h; call the data security officer`, { retryAt, patientRef });
  };
  if ((await deps.store.countStartedSince(by.name, since)) >= limit.max) return rateLimited();

  const patient = await studiesOfPatient(deps, patientRef);
  if (patient.count === 0) return refuse('unknown-patient', `no studies of patient ${patientRef}`, { patientRef });

  const session: BreakGlassRecord = {
    id: randomUUID(),
    userId: by.name,
    patientRef,
    reasonCode,
    reasonText,
    ...(studyUid === undefined ? {} : { studyUid }),
    departments: patient.departments,
    startedAt: now,
    endsAt: now + minutes * 60_000,
    reviewDueAt: now + deps.policy.reviewWithinMs,
  };
  const audience = await breakGlassAudience(deps, session.departments);
  await deps.audit.append({
    type: 'break-glass',
    outcome: 'success',
    actor: auditActorOf(by),
    purpose: BREAK_GLASS_PURPOSE,
    objects: [{ patient: patientRef }, ...(studyUid === undefined ? [] : [{ study: studyUid }])],
    detail: {
      step: 'start',
      session: session.id,
      reasonCode,
      endsAt: new Date(session.endsAt).toISOString(),
      reviewDueAt: new Date(session.reviewDueAt).toISOString(),
      studies: String(patient.count),
      notify: audience.users.join(',').slice(0, 1024),
    },
  });
  const notifications = breakGlassNotifications(session, 'started', audience, deps.channels);
  const stored = await deps.store.startSession(session, notifications, limit, now);
  if (stored === 'rate-limited') return rateLimited();
  deps.deliverSoon?.();
  return { outcome: 'started', session, studies: patient.count };
}

/** How many studies the patient has and their departments, read through the index's own scan. */
async function studiesOfPatient(deps: Pick<BreakGlassDeps, 'index'>, patientRef: string): Promise<{ count: number; departments: string[] }> {
  let count = 0;
  const departments = new Set<string>();
  const visibility = (study: { patientRef?: string; department?: string }) => {
    if (study.patientRef === patientRef) {
      count += 1;
      if (study.department !== undefined && study.department !== '') departments.add(study.department);
    }
    return 'denied' as const;
  };
  for await (const match of deps.index.findEach(ALL_STUDIES, { visibility })) void match;
  return { count, departments: [...departments].sort() };
}
