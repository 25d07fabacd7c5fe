import { randomUUID } from 'node:crypto';
import { decideAccess } from '../access/decide-access.js';
import type { StudyFacts } from '../access/access-resource.js';
import type { Effect } from '../access/policy-table.js';
import { type AccessRequestRecord, type RequestContent, type RequestScope, type ScopedStudy, requestContentHash } from '../access/requests/access-request.js';
import { purposeCode } from '../access/requests/purpose-of-use.js';
import { parseRequestInput } from '../access/requests/request-input.js';
import { type RequestRefusal, requestRefusal } from '../access/requests/request-refusal.js';
import { decodeQueryString, parseQidoQuery, type FindQuery } from '../dicom/query/index.js';
import { MedVeilError } from '../errors.js';
import type { UserRecord } from '../storage/account-store.js';
import { type IndexStore, studyFacts } from '../storage/index-store.js';
import { type AccessRequestDeps, requestEventDetail, requestObjects } from './access-request-deps.js';
import { type ActingUser, type ActorDeps, actorForUser } from './actor-for-user.js';
import { auditActorOf } from './audit-actor.js';

export interface CreateAccessRequestDeps extends AccessRequestDeps {
  readonly index: Pick<IndexStore, 'getStudy' | 'find'>;
  readonly actors: ActorDeps;
  /** The ids of the export recipients this server knows (exports.recipients); `requester` alone when absent. */
  readonly exportRecipients?: readonly string[];
}

export interface CreateAccessRequestInput {
  readonly by: UserRecord;
  readonly body: { kind?: unknown; scope?: unknown; purpose?: unknown; justification?: unknown; durationHours?: unknown; recipient?: unknown };
}

export type CreateAccessRequestResult = { readonly outcome: 'created'; readonly record: AccessRequestRecord } | RequestRefusal;

/**
 * Any signed-in person asks for full access to, or a de-identified export of, a scope. The
 * scope is resolved to studies now, among those the requester can at least find (a masked
 * study counts; one hidden from them is "unknown", so a request never reveals that a study
 * exists), and each study's department says whose director must approve. The request is bound
 * to the hash of its exact content. Recorded as a `request` event before it is stored.
 */
export async function createAccessRequest(deps: CreateAccessRequestDeps, input: CreateAccessRequestInput): Promise<CreateAccessRequestResult> {
  const parsed = parseRequestInput(input.body, deps.policy);
  if ('outcome' in parsed) return parsed;
  if (parsed.recipient !== undefined && !(deps.exportRecipients ?? ['requester']).includes(parsed.recipient)) {
    return requestRefusal('invalid-request', `there is no export recipient ${parsed.recipient}; known: ${(deps.exportRecipients ?? ['requester']).join(', ')}`);
  }
  const now = deps.clock.now();
  const found = await actorForUser(deps.actors, input.by.name);
  if (found.outcome !== 'found') return requestRefusal('scope-empty');
  const resolved = await resolveScope(deps, found.user, parsed.scope, now);
  if ('outcome' in resolved) return resolved;
  if (resolved.length === 0) return requestRefusal('scope-empty');
  if (resolved.length > deps.policy.maxStudies) return requestRefusal('scope-too-large', `the scope covers more than ${deps.policy.maxStudies} studies; narrow it`);
  const studies: ScopedStudy[] = [];
  for (const study of resolved) {
    if (study.department === undefined || study.department === '') return requestRefusal('scope-without-department');
    studies.push({ studyUid: study.studyUid, department: study.department });
  }
  studies.sort((a, b) => (a.studyUid < b.studyUid ? -1 : a.studyUid > b.studyUid ? 1 : 0));

  const content: RequestContent = {
    requester: input.by.name,
    kind: parsed.kind,
    scope: parsed.scope,
    studies,
    purpose: parsed.purpose,
    justification: parsed.justification,
    durationMs: parsed.durationMs,
    ...(parsed.recipient === undefined ? {} : { recipient: parsed.recipient }),
  };
  const record: AccessRequestRecord = { id: randomUUID(), content, contentHash: requestContentHash(content), createdAt: now, status: 'pending', approvals: [] };
  return deps.requests.change<CreateAccessRequestResult>(record.id, async (current) => {
    if (current !== undefined) throw new MedVeilError('internal', 'internal error (a MedVeil bug): a new request id is already taken');
    await deps.audit.append({
      type: 'request',
      outcome: 'success',
      actor: auditActorOf(input.by),
      purpose: purposeCode(content.purpose),
      objects: requestObjects(record),
      detail: { ...requestEventDetail(record), action: 'create', scope: content.scope.kind, durationMs: String(content.durationMs) },
    });
    return { next: record, result: { outcome: 'created', record } as const };
  });
}

const STUDY_LEVEL_QUERY: Omit<FindQuery, 'matchKeys'> = { level: 'study', scope: {}, returnKeys: [], limit: undefined, offset: 0, fuzzy: false, warnings: [] };

async function resolveScope(deps: CreateAccessRequestDeps, who: ActingUser, scope: RequestScope, now: number): Promise<StudyFacts[] | RequestRefusal> {
  const visible = (study: StudyFacts): Effect => decideAccess({ actor: who.actor, action: 'query', resource: { kind: 'study', study }, grants: who.grants, now }).effect;
  if (scope.kind === 'studies') {
    const studies: StudyFacts[] = [];
    for (const studyUid of scope.studyUids) {
      const record = await deps.index.getStudy({ studyUid });
      const facts = record === undefined ? undefined : studyFacts(record);
      if (facts === undefined || visible(facts) === 'denied') return requestRefusal('scope-unknown-study', `study ${studyUid} does not exist or is not visible to you`);
      studies.push(facts);
    }
    return studies;
  }
  let query: FindQuery;
  let visibility = visible;
  if (scope.kind === 'patient') {
    query = { ...STUDY_LEVEL_QUERY, matchKeys: [] };
    visibility = (study) => (study.patientRef === scope.patientRef ? visible(study) : 'denied');
  } else {
    try {
      query = { ...parseQidoQuery('study', decodeQueryString(scope.query)), limit: undefined, offset: 0 };
    } catch (error) {
      if (error instanceof MedVeilError && error.code === 'http') return requestRefusal('invalid-request', `scope.query: ${error.message}`);
      throw error;
    }
  }
  const page = await deps.index.find(query, { visibility, maxResults: deps.policy.maxStudies + 1 });
  return page.matches.map((match) => studyFacts(match.study));
}
