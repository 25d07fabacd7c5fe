/**
 * FindQuery → SQL conditions for the SQLite index. The conditions only narrow the candidates:
 * each must keep every row that `matchesFindQuery` (src/dicom/query/match-find-query.ts) accepts,
 * and the store asks that function about every candidate. So a condition may be looser than the
 * key (SQLite's LIKE ignores ASCII case; a "*" in a person name may run across component
 * groups), never stricter, and a key that SQL cannot express well is left to the check alone.
 *
 * Values always travel as bound parameters. LIKE patterns escape "\", "%" and "_" with "\"
 * (ESCAPE '\'), so a "%" or "_" in a key is a literal character, and only the DICOM wild cards
 * "*" and "?" become "%" and "_".
 */
import { normalizeNameGroup, foldPersonName, type FindQuery, type MatchKey } from '../../dicom/query/index.js';
import { Tag } from '../../dicom/tag.js';

/** How a column holds an attribute. */
type ColumnKind = 'text' | 'person-name' | 'integer' | 'date' | 'modalities' | 'unfiltered';

interface Column {
  /** The column, qualified by its table alias: st (studies), se (series), i (instances). */
  readonly name: string;
  readonly kind: ColumnKind;
}

/**
 * Where each matchable attribute lives. `person-name` columns hold the folded component groups
 * ("=GROUP1=GROUP2=GROUP3="); `date` columns hold YYYYMMDD where the stored date could be read;
 * times are left to the check (their precision varies, so text comparison is not safe).
 */
const COLUMNS: ReadonlyMap<number, Column> = new Map<number, Column>([
  [Tag.PatientName, { name: 'st.patient_name_fold', kind: 'person-name' }],
  [Tag.PatientID, { name: 'st.patient_id', kind: 'text' }],
  [Tag.PatientBirthDate, { name: 'st.patient_birth_date', kind: 'date' }],
  [Tag.PatientSex, { name: 'st.patient_sex', kind: 'text' }],
  [Tag.StudyInstanceUID, { name: 'st.study_uid', kind: 'text' }],
  [Tag.StudyDate, { name: 'st.study_date', kind: 'date' }],
  [Tag.StudyTime, { name: 'st.study_time', kind: 'unfiltered' }],
  [Tag.AccessionNumber, { name: 'st.accession_number', kind: 'text' }],
  [Tag.StudyDescription, { name: 'st.study_description', kind: 'text' }],
  [Tag.ModalitiesInStudy, { name: 'st.modalities', kind: 'modalities' }],
  [Tag.ReferringPhysicianName, { name: 'st.referring_physician_name_fold', kind: 'person-name' }],
  [Tag.StudyID, { name: 'st.study_id', kind: 'text' }],
  [Tag.SeriesInstanceUID, { name: 'se.series_uid', kind: 'text' }],
  [Tag.Modality, { name: 'se.modality', kind: 'text' }],
  [Tag.SeriesNumber, { name: 'se.series_number', kind: 'integer' }],
  [Tag.SeriesDescription, { name: 'se.series_description', kind: 'text' }],
  [Tag.BodyPartExamined, { name: 'se.body_part_examined', kind: 'text' }],
  [Tag.PerformedProcedureStepStartDate, { name: 'se.pps_start_date', kind: 'date' }],
  [Tag.PerformedProcedureStepStartTime, { name: 'se.pps_start_time', kind: 'unfiltered' }],
  [Tag.SOPInstanceUID, { name: 'i.sop_instance_uid', kind: 'text' }],
  [Tag.SOPClassUID, { name: 'i.sop_class_uid', kind: 'text' }],
  [Tag.InstanceNumber, { name: 'i.instance_number', kind: 'integer' }],
  [Tag.Rows, { name: 'i.image_rows', kind: 'integer' }],
  [Tag.Columns, { name: 'i.image_columns', kind: 'integer' }],
  [Tag.NumberOfFrames, { name: 'i.number_of_frames', kind: 'integer' }],
  [Tag.BitsAllocated, { name: 'i.bits_allocated', kind: 'integer' }],
]);

/** The person-name column form of a value: "=" + each folded, normalized group + "=". */
export function personNameColumn(value: string | undefined): string | null {
  if (value === undefined || value === '') return null;
  const groups = foldPersonName(value).split('=', 3).map(normalizeNameGroup);
  return `=${groups.join('=')}=`;
}

/** A LIKE pattern matching `text` literally. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (symbol) => `\\${symbol}`);
}

/** A LIKE pattern for a DICOM wild card pattern: "*" → "%", "?" → "_", everything else literal. */
export function likePattern(pattern: string): string {
  let out = '';
  for (const symbol of pattern) {
    if (symbol === '*') out += '%';
    else if (symbol === '?') out += '_';
    else out += escapeLike(symbol);
  }
  return out;
}

export interface SqlConditions {
  readonly where: string[];
  readonly params: Array<string | number>;
}

/** The conditions of a query's scope and keys, on the aliases st, se and i. */
export function queryConditions(query: Pick<FindQuery, 'level' | 'scope' | 'matchKeys' | 'fuzzy'>): SqlConditions {
  const { level, scope, matchKeys: keys, fuzzy } = query;
  const where: string[] = [];
  const params: Array<string | number> = [];
  if (scope.studyUid !== undefined) {
    where.push('st.study_uid = ?');
    params.push(scope.studyUid);
  }
  if (scope.seriesUid !== undefined && level !== 'study') {
    where.push('se.series_uid = ?');
    params.push(scope.seriesUid);
  }
  for (const key of keys) {
    const column = COLUMNS.get(key.tag);
    if (!column || (level === 'study' && !column.name.startsWith('st.')) || (level === 'series' && column.name.startsWith('i.'))) continue;
    const condition = keyCondition(column, key, fuzzy);
    if (condition) {
      where.push(condition.sql);
      params.push(...condition.params);
    }
  }
  return { where, params };
}

function keyCondition(column: Column, key: MatchKey, fuzzy: boolean): { sql: string; params: Array<string | number> } | undefined {
  const { matcher } = key;
  const name = column.name;
  switch (column.kind) {
    case 'text':
      if (matcher.kind === 'single') return { sql: `${name} = ?`, params: [matcher.value] };
      if (matcher.kind === 'uid-list') return { sql: `${name} IN (${matcher.uids.map(() => '?').join(', ')})`, params: [...matcher.uids] };
      if (matcher.kind === 'wildcard') return { sql: `${name} LIKE ? ESCAPE '\\'`, params: [likePattern(matcher.pattern)] };
      return undefined;
    case 'person-name': {
      // Keys with "=" are matched group by group, and fuzzy keys word by word: the check does both.
      const value = matcher.kind === 'single' ? matcher.value : matcher.kind === 'wildcard' ? matcher.pattern : undefined;
      if (value === undefined || fuzzy || value.includes('=')) return undefined;
      const group = normalizeNameGroup(foldPersonName(value));
      const inner = matcher.kind === 'single' ? escapeLike(group) : likePattern(group);
      return { sql: `${name} LIKE ? ESCAPE '\\'`, params: [`%=${inner}=%`] };
    }
    case 'integer':
      return matcher.kind === 'single' ? { sql: `${name} = ?`, params: [Number(matcher.value)] } : undefined;
    case 'date':
      if (matcher.kind === 'single') return { sql: `${name} = ?`, params: [matcher.value] };
      if (matcher.kind === 'range') {
        const parts: string[] = [];
        const params: string[] = [];
        if (matcher.lower !== undefined) {
          parts.push(`${name} >= ?`);
          params.push(matcher.lower);
        }
        if (matcher.upper !== undefined) {
          parts.push(`${name} <= ?`);
          params.push(matcher.upper);
        }
        return { sql: parts.join(' AND '), params };
      }
      return undefined;
    case 'modalities':
      // Stored as "\CT\MR\", so a whole value is found between backslashes.
      return matcher.kind === 'single' ? { sql: `instr(${name}, ?) > 0`, params: [`\\${matcher.value}\\`] } : undefined;
    case 'unfiltered':
      return undefined;
  }
}
