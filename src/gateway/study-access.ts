/**
 * Use case: what the signed-in user may do with each of some studies, for the console's study
 * list (issue 7: "each result shows whether the viewer's access is full, masked or
 * denied-but-requestable"). For each study the access decision is taken, as the gateway takes
 * it when the user acts, for viewing and for exporting.
 *
 * A study the user cannot even find (one that does not exist, or one hidden from their queries)
 * is `unknown`, so that asking never reveals that a study exists, as with requests. A study they
 * can find but not see in full may be asked for: `requestable` (docs/requests.md).
 *
 * Nothing here serves data; the answer is audited as one `query` event naming the studies.
 */
import type { Action } from '../access/action.js';
import { decideAccess } from '../access/decide-access.js';
import type { Effect } from '../access/policy-table.js';
import type { Clock } from '../audit/clock.js';
import { type IndexStore, studyFacts } from '../storage/index-store.js';
import type { ActingUser } from './actor-for-user.js';
import type { AuditAppender } from './audit-actor.js';

export interface StudyAccessDeps {
  readonly index: Pick<IndexStore, 'getStudy'>;
  readonly audit: AuditAppender;
  readonly clock: Clock;
}

export type StudyAccess =
  | { readonly studyUid: string; readonly known: false }
  | {
      readonly studyUid: string;
      readonly known: true;
      readonly view: Effect;
      readonly export: Effect;
      /** Whether a request could bring more than the user has now (full view). */
      readonly requestable: boolean;
      /** The decision's reasons for viewing (policy-table reason codes). */
      readonly reasons: readonly string[];
      /** Set when a grant or a break-glass session decides the view. */
      readonly grantId?: string;
      readonly breakGlassId?: string;
    };

export const MAX_STUDIES_PER_ACCESS_QUERY = 100;

export async function studyAccess(deps: StudyAccessDeps, who: ActingUser, studyUids: readonly string[]): Promise<StudyAccess[]> {
  const now = deps.clock.now();
  const out: StudyAccess[] = [];
  for (const studyUid of studyUids) {
    const record = await deps.index.getStudy({ studyUid });
    const study = record === undefined ? undefined : studyFacts(record);
    const decide = (action: Action) =>
      decideAccess({ actor: who.actor, action, resource: { kind: 'study', study: study! }, grants: who.grants, breakGlass: who.breakGlass ?? [], now });
    if (study === undefined || decide('query').effect === 'denied') {
      out.push({ studyUid, known: false });
      continue;
    }
    const view = decide('view');
    out.push({
      studyUid,
      known: true,
      view: view.effect,
      export: decide('export').effect,
      requestable: view.effect !== 'full',
      reasons: view.reasons,
      ...(view.grantId === undefined ? {} : { grantId: view.grantId }),
      ...(view.breakGlassId === undefined ? {} : { breakGlassId: view.breakGlassId }),
    });
  }
  const known = out.filter((item) => item.known);
  await deps.audit.append({
    type: 'query',
    outcome: 'success',
    actor: who.auditActor,
    ...(known.length === 0 ? {} : { objects: known.map((item) => ({ study: item.studyUid })) }),
    detail: { via: 'rest', step: 'study-access', asked: String(studyUids.length), known: String(known.length) },
  });
  return out;
}
