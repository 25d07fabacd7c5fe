/**
 * The attributes a `masked` actor may match on. A masked search result shows no name, ID or
 * birth date (docs/access.md); matching on them would give the same away one question at a
 * time ("PatientName=A*", "PatientName=AB*", ...). So a masked study matches a query only when
 * every matching key is one of these, and the study is left out otherwise, exactly as if it did
 * not match.
 *
 * An allowlist, so that a new attribute in the index is hidden until someone decides otherwise.
 * Each is kept unchanged by the PS3.15 Basic Profile (Table E.1-1 does not list it), except the
 * UIDs, which the profile replaces (U) consistently: a masked actor reaches a study through its
 * UID, and knowing a UID says nothing about the patient. `masked-match-keys.test.ts` checks this
 * against the shared copy of Table E.1-1.
 */
import { Tag } from '../tag.js';

export const MASKED_MATCH_KEYS: ReadonlySet<number> = new Set([
  Tag.StudyInstanceUID,
  Tag.SeriesInstanceUID,
  Tag.SOPInstanceUID,
  Tag.SOPClassUID,
  Tag.ModalitiesInStudy,
  Tag.Modality,
  Tag.BodyPartExamined,
  Tag.SeriesNumber,
  Tag.InstanceNumber,
  Tag.Rows,
  Tag.Columns,
  Tag.NumberOfFrames,
  Tag.BitsAllocated,
]);
