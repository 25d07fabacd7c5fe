/**
 * One QIDO-RS match as a DICOM JSON Model object (PS3.18 10.6.3.3, F.2): every return key of
 * the query, with the values the search handed out. A masked match has values only for the
 * attributes search-index.ts lets a masked actor see; every other return key is present
 * without a Value, as an empty attribute (PS3.18 F.2.5), so a patient's name, ID or birth
 * date never reaches the response, and the shape of the answer does not depend on the effect.
 *
 * Attributes the index does not hold: Retrieve URL (0008,1190), which is ours to give; Instance
 * Availability (0008,0056), ONLINE, since every indexed instance is held here (PS3.4 C.4.23.1.1);
 * Timezone Offset From UTC and Request Attributes Sequence are left out, as PS3.18 10.6.3.3
 * allows for conditional and unknown attributes.
 */
import { lookupAttribute } from '../dicom/dictionary.js';
import type { DicomJsonAttribute, DicomJsonObject, DicomJsonValue } from '../dicom/json/index.js';
import { jsonTagKey } from '../dicom/json/index.js';
import { personNameToJson } from '../dicom/person-name.js';
import type { QueryLevel } from '../dicom/query/index.js';
import { Tag } from '../dicom/tag.js';
import type { VR } from '../dicom/vr.js';
import type { SearchMatch } from '../gateway/search-index.js';
import { resourcePath } from './dicomweb-paths.js';

const NUMERIC_VRS: ReadonlySet<VR> = new Set<VR>(['IS', 'DS', 'US', 'UL', 'SS', 'SL', 'FL', 'FD', 'SV', 'UV']);

/** The return keys this module answers itself rather than from the index. */
const OWN_KEYS: ReadonlySet<number> = new Set([Tag.RetrieveURL, Tag.InstanceAvailability, Tag.TimezoneOffsetFromUTC, Tag.RequestAttributesSequence]);

export function searchMatchToJson(match: SearchMatch, options: { level: QueryLevel; returnKeys: readonly number[]; baseUrl: string }): DicomJsonObject {
  const out: DicomJsonObject = {};
  for (const tag of options.returnKeys) {
    if (OWN_KEYS.has(tag)) continue;
    const vr = lookupAttribute(tag)?.vr ?? 'UN';
    out[jsonTagKey(tag)] = attribute(vr, match.values(tag));
  }
  const wanted = new Set(options.returnKeys);
  if (wanted.has(Tag.RetrieveURL)) out[jsonTagKey(Tag.RetrieveURL)] = { vr: 'UR', Value: [options.baseUrl + retrievePath(match, options.level)] };
  if (wanted.has(Tag.InstanceAvailability)) out[jsonTagKey(Tag.InstanceAvailability)] = { vr: 'CS', Value: ['ONLINE'] };
  return out;
}

/** The WADO-RS resource of a match at its level. */
function retrievePath(match: SearchMatch, level: QueryLevel): string {
  return resourcePath({
    studyUid: match.studyUid,
    ...(level !== 'study' && match.seriesUid !== undefined ? { seriesUid: match.seriesUid } : {}),
    ...(level === 'instance' && match.sopInstanceUid !== undefined ? { sopInstanceUid: match.sopInstanceUid } : {}),
  });
}

function attribute(vr: VR, values: readonly string[]): DicomJsonAttribute {
  const converted: DicomJsonValue[] = [];
  for (const value of values) {
    if (vr === 'PN') {
      const name = personNameToJson(value);
      converted.push(Object.keys(name).length === 0 ? null : name);
    } else if (NUMERIC_VRS.has(vr)) {
      const number = Number(value);
      converted.push(value.trim() !== '' && Number.isFinite(number) ? number : value);
    } else {
      converted.push(value);
    }
  }
  return converted.length === 0 ? { vr } : { vr, Value: converted };
}
