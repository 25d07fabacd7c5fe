export { type Interval, type TemporalVR, canonicalDate, overlaps, queryInterval, rangeInterval, storedInterval } from './date-time-interval.js';
export { decodeQueryString, MAX_QUERY_PARAMETERS, MAX_QUERY_STRING_LENGTH } from './decode-query-string.js';
export { defaultReturnKeys, INSTANCE_RETURN_KEYS, SERIES_RETURN_KEYS, STUDY_RETURN_KEYS } from './default-return-keys.js';
export {
  type FindQuery,
  type MatchKey,
  type MatchKeysOptions,
  type MatchKeysResult,
  type QueryScope,
  type QueryWarning,
  type RangeMatcher,
  buildMatchKeys,
} from './find-query.js';
export { findQueryFromIdentifier, type IdentifierOptions } from './find-query-from-identifier.js';
export { MASKED_MATCH_KEYS } from './masked-match-keys.js';
export { type AttributeValues, matchesFindQuery, matchesKey } from './match-find-query.js';
export { type Matcher, MAX_UIDS_IN_LIST, maxKeyLength, parseMatchValue, type ParsedMatchValue } from './matcher.js';
export { MAX_INCLUDE_FIELDS, MAX_QIDO_PAGE_NUMBER, parseQidoQuery, type QidoQueryOptions } from './parse-qido-query.js';
export { foldPersonName, normalizeNameGroup, personNameGroups, personNameMatches } from './person-name-match.js';
export { DATE_TIME_PAIRS, QUERY_ATTRIBUTES, type QueryAttribute, queryAttribute, UNIQUE_KEYS } from './query-attributes.js';
export { entityAtOrAbove, type InformationEntity, QUERY_LEVELS, type QueryLevel } from './query-level.js';
export { hasWildcard, wildcardMatches } from './wildcard-match.js';
