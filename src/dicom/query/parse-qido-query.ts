/**
 * QIDO-RS query parameters (PS3.18 8.3.4, 10.6.1.2) → FindQuery. Every parameter is either
 * understood or refused with a MedVeilError('http') that names it (a 400 for the HTTP
 * adapter); no parameter is skipped in silence, except `accept` and `charset`, which the HTTP
 * adapter reads (PS3.18 8.3.3). Messages never repeat a value: values may be patient names.
 */
import { internalError, MedVeilError } from '../../errors.js';
import { tagForKeyword } from '../dictionary.js';
import { formatTag, isPrivateTag } from '../tag.js';
import { MAX_QUERY_PARAMETERS, quoteName } from './decode-query-string.js';
import { defaultReturnKeys } from './default-return-keys.js';
import { buildMatchKeys, type FindQuery, type QueryScope, type QueryWarning } from './find-query.js';
import { QUERY_ATTRIBUTES, queryAttribute } from './query-attributes.js';
import { entityAtOrAbove, type InformationEntity, type QueryLevel } from './query-level.js';

export interface QidoQueryOptions {
  /** The parents the resource names: `/studies/{studyUid}/series/{seriesUid}/instances`. */
  readonly scope?: QueryScope;
}

/** The most attributes `includefield` may name in one query. */
export const MAX_INCLUDE_FIELDS = 500;

/** The largest `limit` or `offset` accepted. */
export const MAX_QIDO_PAGE_NUMBER = 2_147_483_647;

const PASSED_TO_HTTP = new Set(['accept', 'charset']);
const KEYWORD = /^[A-Za-z][A-Za-z0-9]*$/;
const HEX_TAG = /^[0-9A-Fa-f]{8}$/;

/**
 * Which IE's attributes a resource may match on (PS3.18 10.6.1.2.1): Patient IE attributes
 * everywhere; Study IE only when no study is named; Series IE on series and instance searches
 * unless a series is named; Composite Instance IE on instance searches.
 */
function allowedEntities(level: QueryLevel, scope: QueryScope): ReadonlySet<InformationEntity> {
  const allowed = new Set<InformationEntity>(['patient']);
  if (scope.studyUid === undefined) allowed.add('study');
  if (level !== 'study' && scope.seriesUid === undefined) allowed.add('series');
  if (level === 'instance') allowed.add('instance');
  return allowed;
}

function checkScope(level: QueryLevel, scope: QueryScope): void {
  if (scope.seriesUid !== undefined && (level !== 'instance' || scope.studyUid === undefined)) {
    throw internalError('a series scope needs an instance search under a study');
  }
  if (scope.studyUid !== undefined && level === 'study') {
    throw internalError('a study search cannot be confined to a study');
  }
}

function parseAttributeId(id: string, parameter: string): number {
  if (id.includes('.')) {
    throw new MedVeilError('http', `parameter ${quoteName(parameter)} names an attribute inside a sequence; sequence matching is not supported`);
  }
  if (HEX_TAG.test(id)) return parseInt(id, 16) >>> 0;
  const tag = KEYWORD.test(id) ? tagForKeyword(id) : undefined;
  if (tag === undefined) {
    throw new MedVeilError('http', `parameter ${quoteName(parameter)} is not a DICOM keyword, an 8-digit tag or a search parameter`, {
      hint: 'keywords are case-sensitive, as in PS3.6 (PatientName, StudyDate); the search parameters are limit, offset, includefield and fuzzymatching',
    });
  }
  return tag;
}

function parseUint(name: string, value: string): number {
  if (!/^[0-9]{1,10}$/.test(value) || Number(value) > MAX_QIDO_PAGE_NUMBER) {
    throw new MedVeilError('http', `parameter ${quoteName(name)} must be a whole number from 0 to ${MAX_QIDO_PAGE_NUMBER}`);
  }
  return Number(value);
}

function parseBoolean(name: string, value: string): boolean {
  if (value !== 'true' && value !== 'false') throw new MedVeilError('http', `parameter ${quoteName(name)} must be true or false`);
  return value === 'true';
}

/** Keywords the "all" of `includefield` adds at each level (PS3.18 10.6.3.3): the level's own IE. */
const ALL_ENTITIES: Record<QueryLevel, readonly InformationEntity[]> = {
  study: ['patient', 'study'],
  series: ['series'],
  instance: ['instance'],
};

/**
 * A QIDO-RS search at `level` from its decoded query parameters (see `decodeQueryString`, or
 * a URLSearchParams whose "+" the caller did not turn into spaces).
 */
export function parseQidoQuery(level: QueryLevel, params: Iterable<readonly [string, string]>, options: QidoQueryOptions = {}): FindQuery {
  const scope = options.scope ?? {};
  checkScope(level, scope);
  const allowed = allowedEntities(level, scope);
  const matchValues = new Map<number, readonly string[]>();
  const matchParameters = new Map<number, string>();
  const included = new Set<number>();
  let includeAll = false;
  let includeOthers = false;
  const seen = new Set<string>();
  let limit: number | undefined;
  let offset = 0;
  let fuzzy = false;
  const warnings: QueryWarning[] = [];
  let count = 0;

  for (const [name, value] of params) {
    if (++count > MAX_QUERY_PARAMETERS) throw new MedVeilError('http', `the query has more than ${MAX_QUERY_PARAMETERS} parameters`);
    if (PASSED_TO_HTTP.has(name)) continue;
    if (name !== 'includefield') {
      if (seen.has(name)) throw new MedVeilError('http', `parameter ${quoteName(name)} is given more than once`);
      seen.add(name);
    }
    switch (name) {
      case 'limit':
        limit = parseUint(name, value);
        continue;
      case 'offset':
        offset = parseUint(name, value);
        continue;
      case 'fuzzymatching':
        fuzzy = parseBoolean(name, value);
        continue;
      case 'emptyvaluematching':
        if (parseBoolean(name, value)) warnings.push('emptyvaluematching-unsupported');
        continue;
      case 'multiplevaluematching':
        if (parseBoolean(name, value)) warnings.push('multiplevaluematching-unsupported');
        continue;
      case 'includefield':
        for (const id of value.split(',')) {
          if (id === 'all') includeAll = true;
          else {
            includeOthers = true;
            if (included.size >= MAX_INCLUDE_FIELDS) {
              throw new MedVeilError('http', `parameter "includefield" names more than ${MAX_INCLUDE_FIELDS} attributes`);
            }
            included.add(parseAttributeId(id, name));
          }
        }
        continue;
    }
    const tag = parseAttributeId(name, name);
    const previous = matchParameters.get(tag);
    if (previous !== undefined) {
      throw new MedVeilError('http', `parameters ${quoteName(previous)} and ${quoteName(name)} name the same attribute ${formatTag(tag)}`);
    }
    matchParameters.set(tag, name);
    const attribute = queryAttribute(tag);
    if (!attribute) {
      const kind = isPrivateTag(tag) ? 'a private attribute' : 'an attribute this archive does not index';
      throw new MedVeilError('http', `parameter ${quoteName(name)} is ${kind}; it cannot be matched`);
    }
    if (!allowed.has(attribute.entity)) {
      throw new MedVeilError('http', `parameter ${quoteName(name)} is a ${attribute.entity} attribute, which this resource cannot match on (PS3.18 10.6.1.2.1)`);
    }
    matchValues.set(tag, attribute.vr === 'UI' ? value.split(',') : [value]);
  }
  if (includeAll && includeOthers) {
    throw new MedVeilError('http', 'parameter "includefield" is "all" and also names attributes (PS3.18 8.3.4.3 allows one or the other)');
  }

  const built = buildMatchKeys(matchValues, { combinedDateTime: true });
  if (!built.ok) {
    throw new MedVeilError('http', `parameter ${quoteName(matchParameters.get(built.tag) ?? formatTag(built.tag))} ${built.problem}`);
  }

  const returnKeys = new Set(defaultReturnKeys(level, scope));
  for (const tag of matchParameters.keys()) returnKeys.add(tag);
  for (const tag of included) {
    const attribute = queryAttribute(tag);
    // PS3.18 10.6.3.3: attributes below the level "shall not be returned"; ones we do not hold cannot be.
    if (attribute && entityAtOrAbove(attribute.entity, level)) returnKeys.add(tag);
  }
  if (includeAll) {
    for (const attribute of QUERY_ATTRIBUTES) if (ALL_ENTITIES[level].includes(attribute.entity)) returnKeys.add(attribute.tag);
  }

  return {
    level,
    scope,
    matchKeys: built.keys,
    returnKeys: [...returnKeys].sort((a, b) => a - b),
    limit,
    offset,
    fuzzy,
    warnings,
  };
}
