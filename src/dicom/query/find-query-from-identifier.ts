/**
 * A C-FIND identifier (PS3.4 C.4.1.1.3) → FindQuery, for the Study Root information model.
 * Keys with a value are matching keys, keys without one are return keys (C.2.2.1). A key the
 * archive cannot honour is refused with a MedVeilError('dimse') that names it, which the DIMSE
 * adapter answers with a failure status: an SCU must not believe a key was matched when it was
 * not (docs/query.md lists what is refused).
 *
 * Queries are answered as relational ones (C.4.1.2.2): keys of the levels above the query level
 * may match, and the unique keys of those levels need not be given. Keys of levels below the
 * query level are refused (C.4.1.2.1).
 */
import { MedVeilError } from '../../errors.js';
import type { Dataset } from '../dataset.js';
import type { DataElement } from '../element.js';
import { lookupAttribute } from '../dictionary.js';
import { formatTag, isPrivateTag, Tag } from '../tag.js';
import { isStringVR } from '../vr.js';
import { buildMatchKeys, type FindQuery } from './find-query.js';
import { queryAttribute, UNIQUE_KEYS } from './query-attributes.js';
import { entityAtOrAbove, type QueryLevel } from './query-level.js';

export interface IdentifierOptions {
  /** Extended Negotiation agreed to combined date-time matching (PS3.4 C.5.1.1.2). */
  readonly combinedDateTime?: boolean;
  /** Extended Negotiation agreed to fuzzy semantic matching of person names. */
  readonly fuzzy?: boolean;
}

/** Query/Retrieve Level (0008,0052) values, PS3.4 C.6.2.1. */
const LEVELS: Readonly<Record<string, QueryLevel>> = { STUDY: 'study', SERIES: 'series', IMAGE: 'instance' };

/** Elements that describe the request rather than ask for an attribute (PS3.4 C.2.2.2, C.4.1.1.3.1). */
const NOT_KEYS: ReadonlySet<number> = new Set([Tag.QueryRetrieveLevel, Tag.SpecificCharacterSet]);

function keyName(tag: number): string {
  const keyword = lookupAttribute(tag)?.keyword;
  return keyword ? `${keyword} ${formatTag(tag)}` : formatTag(tag);
}

function refuse(message: string): never {
  throw new MedVeilError('dimse', message);
}

/** Whether a sequence key asks for nothing but its return: no item, or items whose keys are all empty. */
function isUniversalSequence(element: DataElement): boolean {
  return (element.items ?? []).every((item) => [...item].every((inner) => (inner.items ? isUniversalSequence(inner) : (inner.value?.length ?? 0) === 0)));
}

function elementValues(identifier: Dataset, element: DataElement): string[] {
  if (isStringVR(element.vr)) return identifier.getStrings(element.tag);
  return identifier.getNumbers(element.tag).map(String);
}

export function findQueryFromIdentifier(identifier: Dataset, options: IdentifierOptions = {}): FindQuery {
  const levelText = identifier.getString(Tag.QueryRetrieveLevel);
  if (levelText === undefined) refuse('the identifier has no Query/Retrieve Level (0008,0052)');
  const level = LEVELS[levelText];
  if (level === undefined) {
    refuse(levelText === 'PATIENT'
      ? 'the PATIENT level is not supported; use the Study Root information model'
      : 'the Query/Retrieve Level (0008,0052) is not STUDY, SERIES or IMAGE');
  }

  const matchValues = new Map<number, readonly string[]>();
  const returnKeys = new Set<number>();
  for (const element of identifier) {
    const tag = element.tag;
    if (NOT_KEYS.has(tag) || (tag & 0xffff) === 0) continue;
    if (element.items || element.vr === 'SQ') {
      if (!isUniversalSequence(element)) refuse(`key ${keyName(tag)} asks for sequence matching, which is not supported`);
      continue;
    }
    let values: string[];
    try {
      values = elementValues(identifier, element);
    } catch (cause) {
      throw new MedVeilError('dimse', `key ${keyName(tag)} cannot be decoded`, { cause });
    }
    const hasValue = values.some((value) => value.trim() !== '');
    const attribute = queryAttribute(tag);
    if (!attribute) {
      if (hasValue) {
        const kind = isPrivateTag(tag) ? 'a private attribute' : 'an attribute this archive does not index';
        refuse(`key ${keyName(tag)} is ${kind}; it cannot be matched`);
      }
      continue;
    }
    if (!entityAtOrAbove(attribute.entity, level)) refuse(`key ${keyName(tag)} lies below the ${levelText} level`);
    returnKeys.add(tag);
    if (hasValue) matchValues.set(tag, values);
  }

  const built = buildMatchKeys(matchValues, { combinedDateTime: options.combinedDateTime === true });
  if (!built.ok) refuse(`key ${keyName(built.tag)} ${built.problem}`);

  // The unique keys of the level and those above it identify each match (PS3.4 C.4.1.2.3).
  returnKeys.add(UNIQUE_KEYS.study);
  if (level !== 'study') returnKeys.add(UNIQUE_KEYS.series);
  if (level === 'instance') returnKeys.add(UNIQUE_KEYS.instance);

  return {
    level,
    scope: {},
    matchKeys: built.keys,
    returnKeys: [...returnKeys].sort((a, b) => a - b),
    limit: undefined,
    offset: 0,
    fuzzy: options.fuzzy === true,
    warnings: [],
  };
}
