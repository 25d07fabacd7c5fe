/**
 * Use case: search the study index for an actor (ARCHITECTURE.md flow 2), shared by QIDO-RS and
 * C-FIND. The access decision for `query` is the index's visibility predicate, so a denied study
 * is skipped before paging and never shows in a count, an offset or an error (docs/query.md).
 * A masked match carries only the attributes of `MASKED_RETURN_KEYS`; the others have no value.
 *
 * One audit event of type `query` records each search before any match is handed out: the
 * studies returned (with their pseudonymous patient references), the level, and which keys were
 * matched, never their values, which may be a patient's name. If the append fails, the search
 * fails and nothing is returned.
 */
import { decideAccess } from '../access/decide-access.js';
import type { Effect } from '../access/policy-table.js';
import type { StudyFacts } from '../access/access-resource.js';
import type { Clock } from '../audit/clock.js';
import type { AuditActor, AuditEventInput, AuditObject } from '../audit/event/audit-event.js';
import { lookupAttribute } from '../dicom/dictionary.js';
import { type AttributeValues, type FindQuery, MASKED_MATCH_KEYS } from '../dicom/query/index.js';
import { formatTag, Tag } from '../dicom/tag.js';
import { type FindMatch, type IndexStore, matchAttributeValues } from '../storage/index-store.js';
import type { ActingUser } from './actor-for-user.js';
import type { AuditAppender } from './audit-actor.js';

/** The protocol a request came by, as audit events record it. */
export type AccessChannel = 'qido-rs' | 'wado-rs' | 'wado-uri' | 'c-find' | 'c-get' | 'c-move';

/**
 * What a masked actor sees of a match: the attributes they may also match on
 * (MASKED_MATCH_KEYS: UIDs, SOP class, modality, body part, numbers, image size) and the
 * counts and transfer syntax the archive reports, none of which PS3.15 Table E.1-1 lists.
 * Everything else is returned without a value, as the Basic Profile's Z and X leave it: the
 * patient's name, ID, birth date and sex, Other Patient IDs, the accession number, study ID,
 * dates and times, the referring physician and the descriptions. The UIDs are kept as the
 * Retain UIDs Option (E.3.9) would keep them, so that the actor can retrieve what they found.
 * An allowlist, so that an attribute added to the index later stays hidden until decided.
 */
export const MASKED_RETURN_KEYS: ReadonlySet<number> = new Set([
  ...MASKED_MATCH_KEYS,
  Tag.NumberOfStudyRelatedSeries,
  Tag.NumberOfStudyRelatedInstances,
  Tag.NumberOfSeriesRelatedInstances,
  Tag.AvailableTransferSyntaxUID,
]);

export interface SearchDeps {
  readonly index: Pick<IndexStore, 'find'>;
  readonly audit: AuditAppender;
  readonly clock: Clock;
}

export interface SearchRequest {
  readonly query: FindQuery;
  readonly via: AccessChannel;
  /** The archive's own cap on one response (default: the index's, 1000). */
  readonly maxResults?: number;
  readonly countRemaining?: boolean;
  readonly signal?: AbortSignal;
}

/** One match as the actor may see it. */
export interface SearchMatch {
  readonly effect: 'full' | 'masked';
  readonly studyUid: string;
  readonly seriesUid?: string;
  readonly sopInstanceUid?: string;
  /** The values of each attribute by tag; for a masked match, only `MASKED_RETURN_KEYS` have any. */
  readonly values: AttributeValues;
}

export interface SearchResult {
  readonly matches: readonly SearchMatch[];
  /** Whether a visible match follows the last one returned. */
  readonly more: boolean;
  readonly remaining?: number;
}

/** audit/event/validate-audit-event.ts: at most 1000 objects in one event. */
const MAX_OBJECTS_PER_EVENT = 1000;

export async function searchIndex(deps: SearchDeps, who: ActingUser, request: SearchRequest): Promise<SearchResult> {
  const now = deps.clock.now();
  const visibility = (study: StudyFacts): Effect =>
    decideAccess({ actor: who.actor, action: 'query', resource: { kind: 'study', study }, grants: who.grants, breakGlass: who.breakGlass ?? [], now }).effect;
  const page = await deps.index.find(request.query, {
    visibility,
    ...(request.maxResults === undefined ? {} : { maxResults: request.maxResults }),
    ...(request.countRemaining === undefined ? {} : { countRemaining: request.countRemaining }),
    ...(request.signal === undefined ? {} : { signal: request.signal }),
  });
  const masked = page.matches.filter((match) => match.effect === 'masked').length;
  const detail: Record<string, string> = {
    via: request.via,
    level: request.query.level,
    keys: matchingKeyNames(request.query),
    returned: String(page.matches.length),
    masked: String(masked),
    more: String(page.more),
  };
  await appendInParts(deps.audit, { type: 'query', outcome: 'success', actor: who.auditActor, detail }, studyObjects(page.matches));
  return {
    matches: page.matches.map(searchMatch),
    more: page.more,
    ...(page.remaining === undefined ? {} : { remaining: page.remaining }),
  };
}

/**
 * Records a search refused before it reached the index (a key the archive cannot match, a
 * malformed value). `reason` names the problem, never a value.
 */
export async function recordRefusedSearch(audit: AuditAppender, actor: AuditActor, via: AccessChannel, reason: string): Promise<void> {
  await audit.append({ type: 'query', outcome: 'minor-failure', actor, detail: { via, refused: reason.slice(0, 1024) } });
}

function searchMatch(match: FindMatch): SearchMatch {
  const all = matchAttributeValues(match);
  return {
    effect: match.effect,
    studyUid: match.study.studyUid,
    ...(match.series === undefined ? {} : { seriesUid: match.series.seriesUid }),
    ...(match.instance === undefined ? {} : { sopInstanceUid: match.instance.sopInstanceUid }),
    values: match.effect === 'full' ? all : (tag) => (MASKED_RETURN_KEYS.has(tag) ? all(tag) : []),
  };
}

/**
 * The keywords of the matching keys and scope, e.g. "PatientName,StudyDate", for audit events:
 * which keys a request used, never their values; "none" for a search of everything.
 */
export function matchingKeyNames(query: FindQuery): string {
  const tags = query.matchKeys.flatMap((key) => (key.withTime === undefined ? [key.tag] : [key.tag, key.withTime.tag]));
  const scope = [query.scope.studyUid === undefined ? [] : [Tag.StudyInstanceUID], query.scope.seriesUid === undefined ? [] : [Tag.SeriesInstanceUID]].flat();
  const names = [...new Set([...scope, ...tags])].map((tag) => lookupAttribute(tag)?.keyword ?? formatTag(tag));
  return names.length === 0 ? 'none' : names.join(',').slice(0, 1024);
}

/** Each study returned, once, with its patient reference. */
function studyObjects(matches: readonly FindMatch[]): AuditObject[] {
  const seen = new Map<string, AuditObject>();
  for (const { study } of matches) {
    if (seen.has(study.studyUid)) continue;
    seen.set(study.studyUid, { study: study.studyUid, ...(study.patientRef === undefined ? {} : { patient: study.patientRef }) });
  }
  return [...seen.values()];
}

/** One event, or one per 1000 objects (numbered `part` of `parts`) when a search returned more studies. */
async function appendInParts(audit: AuditAppender, event: AuditEventInput, objects: readonly AuditObject[]): Promise<void> {
  if (objects.length <= MAX_OBJECTS_PER_EVENT) {
    await audit.append(objects.length === 0 ? event : { ...event, objects: [...objects] });
    return;
  }
  const parts = Math.ceil(objects.length / MAX_OBJECTS_PER_EVENT);
  const appends: Promise<unknown>[] = [];
  for (let part = 0; part < parts; part++) {
    const slice = objects.slice(part * MAX_OBJECTS_PER_EVENT, (part + 1) * MAX_OBJECTS_PER_EVENT);
    appends.push(audit.append({ ...event, objects: slice, detail: { ...event.detail, part: `${part + 1}/${parts}` } }));
  }
  await Promise.all(appends);
}
