/**
 * Use case: which instances a retrieve of several (a study, a series, a C-GET or C-MOVE
 * identifier) will hand to `retrieveInstance`, one by one. The study index is searched at the
 * instance level with the decision for the retrieve's own action (`view` or `export`) as the
 * visibility predicate, so a study the actor may not retrieve contributes nothing, exactly as
 * one that does not exist. Masked instances are planned too: each is then decided again and
 * refused or served by `retrieveInstance`, which records it.
 *
 * A retrieve that finds nothing is recorded here (a `deny` event naming which keys were used),
 * since no instance event will be; so is one with more instances than the archive plans at once.
 */
import { decideAccess } from '../access/decide-access.js';
import type { Effect } from '../access/policy-table.js';
import type { StudyFacts } from '../access/access-resource.js';
import type { Clock } from '../audit/clock.js';
import type { FindQuery } from '../dicom/query/index.js';
import type { IndexStore } from '../storage/index-store.js';
import type { ActingUser } from './actor-for-user.js';
import type { AuditAppender } from './audit-actor.js';
import { type AccessChannel, matchingKeyNames } from './search-index.js';

export interface RetrievePlanDeps {
  readonly index: Pick<IndexStore, 'findEach'>;
  readonly audit: AuditAppender;
  readonly clock: Clock;
}

export interface RetrievePlanRequest {
  /** What to retrieve; searched at the instance level whatever level it names. */
  readonly query: FindQuery;
  readonly action: 'view' | 'export';
  readonly via: AccessChannel;
  readonly destination?: string;
  /** More matching instances than this refuse the whole retrieve. */
  readonly maxInstances: number;
  readonly signal?: AbortSignal;
}

export interface PlannedInstance {
  readonly effect: 'full' | 'masked';
  readonly studyUid: string;
  readonly seriesUid: string;
  readonly sopInstanceUid: string;
  readonly sopClassUid: string;
  /** The transfer syntax the object is stored in. */
  readonly transferSyntaxUid: string;
}

export type RetrievePlanResult =
  | { readonly outcome: 'planned'; readonly instances: readonly PlannedInstance[] }
  | { readonly outcome: 'too-many'; readonly maxInstances: number };

export async function planInstanceRetrieval(deps: RetrievePlanDeps, who: ActingUser, request: RetrievePlanRequest): Promise<RetrievePlanResult> {
  const now = deps.clock.now();
  const visibility = (study: StudyFacts): Effect =>
    decideAccess({ actor: who.actor, action: request.action, resource: { kind: 'study', study }, grants: who.grants, breakGlass: who.breakGlass ?? [], now }).effect;
  const query: FindQuery = { ...request.query, level: 'instance', limit: undefined, offset: 0 };
  const instances: PlannedInstance[] = [];
  const detail = {
    via: request.via,
    action: request.action,
    keys: matchingKeyNames(request.query),
    ...(request.destination === undefined ? {} : { destination: request.destination }),
  };
  for await (const match of deps.index.findEach(query, { visibility, maxResults: request.maxInstances + 1, ...(request.signal === undefined ? {} : { signal: request.signal }) })) {
    if (instances.length === request.maxInstances) {
      await deps.audit.append({ type: 'deny', outcome: 'minor-failure', actor: who.auditActor, detail: { ...detail, reason: 'too-many-instances' } });
      return { outcome: 'too-many', maxInstances: request.maxInstances };
    }
    const { study, series, instance } = match;
    if (series === undefined || instance === undefined) continue;
    instances.push({
      effect: match.effect,
      studyUid: study.studyUid,
      seriesUid: series.seriesUid,
      sopInstanceUid: instance.sopInstanceUid,
      sopClassUid: instance.sopClassUid,
      transferSyntaxUid: instance.transferSyntaxUid,
    });
  }
  if (instances.length === 0) {
    await deps.audit.append({ type: 'deny', outcome: 'success', actor: who.auditActor, detail: { ...detail, reason: 'no-visible-match' } });
  }
  return { outcome: 'planned', instances };
}
