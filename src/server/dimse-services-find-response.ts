/**
 * The identifier of one C-FIND response (PS3.4 C.4.1.1.3.2): the Query/Retrieve Level, every
 * return key of the query with the match's values (none where the actor may not see them, as
 * for a masked match), and every other key the request named, without a value, since the index
 * does not hold it. Text is answered in UTF-8 (ISO_IR 192, PS3.5 6.1.2.5.3) when any value
 * needs more than ASCII.
 */
import { Dataset } from '../dicom/dataset.js';
import type { FindQuery, QueryLevel } from '../dicom/query/index.js';
import { queryAttribute } from '../dicom/query/index.js';
import { Tag } from '../dicom/tag.js';
import { encodeNumbers } from '../dicom/values.js';
import { isStringVR } from '../dicom/vr.js';
import { internalError } from '../errors.js';
import type { SearchMatch } from '../gateway/search-index.js';

/** Query/Retrieve Level (0008,0052) of each level, PS3.4 C.6.2.1. */
const LEVEL_NAMES: Readonly<Record<QueryLevel, string>> = { study: 'STUDY', series: 'SERIES', instance: 'IMAGE' };

export function findResponseIdentifier(match: SearchMatch, query: FindQuery, request: Dataset): Dataset {
  const out = new Dataset(request.encoding);
  const values = query.returnKeys.map((tag) => [tag, match.values(tag)] as const);
  if (values.some(([, texts]) => texts.some((text) => /[^\x00-\x7f]/.test(text)))) out.setString(Tag.SpecificCharacterSet, 'ISO_IR 192', 'CS');
  out.setString(Tag.QueryRetrieveLevel, LEVEL_NAMES[query.level], 'CS');
  for (const [tag, texts] of values) {
    const attribute = queryAttribute(tag);
    if (attribute === undefined) throw internalError(`the query returns ${tag.toString(16)}, which the index does not hold`);
    if (isStringVR(attribute.vr)) out.setStrings(tag, texts, attribute.vr);
    else out.set({ tag, vr: attribute.vr, value: encodeNumbers(texts.map(Number), attribute.vr, request.encoding.littleEndian) });
  }
  for (const element of request) {
    if (out.has(element.tag) || element.tag === Tag.SpecificCharacterSet || (element.tag & 0xffff) === 0) continue;
    out.set(element.vr === 'SQ' || element.items !== undefined ? { tag: element.tag, vr: 'SQ', items: [] } : { tag: element.tag, vr: element.vr, value: new Uint8Array(0) });
  }
  return out;
}
