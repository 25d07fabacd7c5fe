import { isSensitivityLevel, type SensitivityLevel } from '../access/sensitivity-level.js';
import type { UserRecord } from '../storage/account-store.js';
import type { IndexStore } from '../storage/index-store.js';
import { refusal, type AccountRefusal } from './account-refusal.js';
import { auditActorOf, type AuditAppender } from './audit-actor.js';

/**
 * Why a DSO changes a level. A fixed list rather than free text: the reason goes into the
 * audit log, which can never be edited, and a typed sentence could carry a patient's name.
 */
export const STUDY_LEVEL_REASONS = {
  misclassified: 'the ingest rules gave a level that does not fit this study',
  'sensitive-finding': 'the study shows a condition that needs stricter protection',
  'patient-request': 'the patient asked for stricter or different protection',
  'legal-hold': 'a legal or regulatory matter concerns the study',
  unlabeled: 'the study had no level (an older or damaged index)',
  review: 'a periodic review of levels',
} as const;

export type StudyLevelReason = keyof typeof STUDY_LEVEL_REASONS;

export function isStudyLevelReason(value: unknown): value is StudyLevelReason {
  return typeof value === 'string' && Object.hasOwn(STUDY_LEVEL_REASONS, value);
}

export interface SetStudyLevelDeps {
  readonly index: Pick<IndexStore, 'getStudy' | 'setStudyLevel'>;
  readonly audit: AuditAppender;
}

export interface SetStudyLevelInput {
  /** The person acting, as the account store holds them. */
  readonly by: UserRecord;
  readonly studyUid: string;
  readonly level: unknown;
  readonly reason: unknown;
}

export type SetStudyLevelResult =
  | { readonly outcome: 'changed'; readonly previous: SensitivityLevel | undefined; readonly level: SensitivityLevel }
  | AccountRefusal;

/**
 * A data security officer sets a study's sensitivity level (issue 4: "a DSO can change a level,
 * which is audited"). Nobody else may, an administrator included: the level decides who sees
 * the study, so changing it is a data-access decision. The role is checked before the index is
 * read, so a refusal says nothing about whether the study exists. The next access decision
 * reads the new level: decisions read the index afresh for every request.
 */
export async function setStudyLevel(deps: SetStudyLevelDeps, input: SetStudyLevelInput): Promise<SetStudyLevelResult> {
  const { by } = input;
  if (!by.roles.includes('dso')) return refusal('not-dso', 'only a data security officer changes the sensitivity level of a study');
  if (!isSensitivityLevel(input.level)) return refusal('invalid-level', 'a sensitivity level is a whole number from 1 to 5');
  if (!isStudyLevelReason(input.reason)) {
    return refusal('invalid-level-reason', `give the reason as one of: ${Object.keys(STUDY_LEVEL_REASONS).join(', ')}`);
  }
  const level = input.level;
  const study = await deps.index.getStudy({ studyUid: input.studyUid });
  if (study === undefined) return refusal('unknown-study', `no study ${input.studyUid}`);
  // Recorded before it is written: if the event cannot be made, the level stays as it was.
  await deps.audit.append({
    type: 'policy-change',
    outcome: 'success',
    actor: auditActorOf(by),
    objects: [{ study: study.studyUid }],
    detail: { action: 'set-study-level', previousLevel: study.level === undefined ? 'none' : String(study.level), level: String(level), reason: input.reason },
  });
  const changed = await deps.index.setStudyLevel(study.studyUid, level);
  if (changed === 'not-found') return refusal('unknown-study', `no study ${input.studyUid}`);
  return { outcome: 'changed', previous: study.level, level };
}
