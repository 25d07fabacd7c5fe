/**
 * The Directory Records of a media layout (PS3.3 F.3.2.2, F.5), as a tree: one PATIENT record
 * per patient, one STUDY per study, one SERIES per series, and one instance-level record (IMAGE,
 * SR DOCUMENT, ...) per file. Keys are copied byte for byte from the de-identified instances,
 * so a record says nothing that its instance does not already say. The offsets (0004,1400) and
 * (0004,1420) are left zero here; `encode-dicomdir.ts` fills them once the layout in bytes is known.
 */
import { MedVeilError } from '../../errors.js';
import { Dataset, EXPLICIT_LITTLE } from '../dataset.js';
import { implicitVR, lookupAttribute } from '../dictionary.js';
import type { DataElement } from '../element.js';
import { Tag } from '../tag.js';
import { encodeNumbers, encodeStrings } from '../values.js';
import { type VR, isStringVR, usesSpecificCharacterSet } from '../vr.js';
import type { DirectoryRecordType } from './directory-record-type.js';
import type { InstanceHeader } from './instance-header.js';
import type { LaidOutInstance, MediaLayout } from './plan-media-layout.js';
import { type Invention, RECORD_KEYS } from './record-keys.js';

/** Record In-use Flag (0004,1410): FFFFH, the record is in use (PS3.3 F.3.2.2). */
export const RECORD_IN_USE = 0xffff;

export interface RecordNode {
  readonly type: DirectoryRecordType;
  /** The record as an item of the Directory Record Sequence, offsets still zero. */
  readonly item: Dataset;
  readonly children: readonly RecordNode[];
}

export interface DirectoryRecords {
  /** The records of the Root Directory Entity (PATIENT records), each with its lower levels. */
  readonly roots: readonly RecordNode[];
  /**
   * Type 1 keys the instances left empty and that were filled with a value that says nothing
   * about the patient, counted by "RECORD TYPE Keyword", e.g. "STUDY StudyID" → 3.
   */
  readonly invented: ReadonlyMap<string, number>;
}

/** Where an entity sits, for ordinal inventions: StudyID "ST000002", Series Number 2. */
interface Place {
  readonly ordinal: number;
  readonly component: string;
}

const DUMMY_DATE = '19000101';
const DUMMY_TIME = '000000';

/** Builds every record of `layout`; `parent` is the DICOMDIR data set that will hold them. */
export function buildDirectoryRecords(layout: MediaLayout, parent: Dataset): DirectoryRecords {
  const context: RecordContext = { parent, invented: new Map() };
  const build = (type: DirectoryRecordType, header: InstanceHeader, place: Place, file?: LaidOutInstance): Dataset =>
    recordItem({ type, header, place, file }, context);
  const roots = layout.patients.map((patient): RecordNode => {
    const first = patient.studies[0]!.series[0]!.instances[0]!;
    return {
      type: 'PATIENT',
      item: build('PATIENT', first.header, { ordinal: patient.ordinal, component: first.fileId[1]! }),
      children: patient.studies.map((study): RecordNode => {
        const firstOfStudy = study.series[0]!.instances[0]!;
        return {
          type: 'STUDY',
          item: build('STUDY', firstOfStudy.header, { ordinal: study.ordinal, component: firstOfStudy.fileId[2]! }),
          children: study.series.map((series): RecordNode => {
            const firstOfSeries = series.instances[0]!;
            return {
              type: 'SERIES',
              item: build('SERIES', firstOfSeries.header, { ordinal: series.ordinal, component: firstOfSeries.fileId[3]! }),
              children: series.instances.map((instance): RecordNode => ({
                type: instance.header.recordType,
                item: build(instance.header.recordType, instance.header, { ordinal: instance.ordinal, component: instance.fileId[4]! }, instance),
                children: [],
              })),
            };
          }),
        };
      }),
    };
  });
  return { roots, invented: context.invented };
}

interface RecordSpec {
  readonly type: DirectoryRecordType;
  /** The instance the keys come from: the record's own, or the first of the entity. */
  readonly header: InstanceHeader;
  readonly place: Place;
  /** Set for an instance-level record: the file it references. */
  readonly file: LaidOutInstance | undefined;
}

interface RecordContext {
  /** The DICOMDIR data set, parent of every record item. */
  readonly parent: Dataset;
  readonly invented: Map<string, number>;
}

function recordItem(spec: RecordSpec, context: RecordContext): Dataset {
  const { type, header, place, file } = spec;
  const { invented } = context;
  const item = new Dataset(EXPLICIT_LITTLE, context.parent);
  const put = (tag: number, vr: VR, value: Uint8Array): void => item.set({ tag, vr, value });
  put(Tag.OffsetOfTheNextDirectoryRecord, 'UL', encodeNumbers([0], 'UL'));
  put(Tag.RecordInUseFlag, 'US', encodeNumbers([RECORD_IN_USE], 'US'));
  put(Tag.OffsetOfReferencedLowerLevelDirectoryEntity, 'UL', encodeNumbers([0], 'UL'));
  put(Tag.DirectoryRecordType, 'CS', encodeStrings([type], 'CS', []));
  if (file !== undefined) {
    put(Tag.ReferencedFileID, 'CS', encodeStrings(file.fileId, 'CS', []));
    put(Tag.ReferencedSOPClassUIDInFile, 'UI', encodeStrings([header.sopClassUid], 'UI', []));
    put(Tag.ReferencedSOPInstanceUIDInFile, 'UI', encodeStrings([header.sopInstanceUid], 'UI', []));
    put(Tag.ReferencedTransferSyntaxUIDInFile, 'UI', encodeStrings([header.transferSyntaxUid], 'UI', []));
    // PS3.3 F.3.2.2: 1C, required when the instance encodes Related General SOP Class UID.
    const related = header.keys.get(Tag.RelatedGeneralSOPClassUID);
    if (related?.value !== undefined && related.value.length > 0) put(Tag.ReferencedRelatedGeneralSOPClassUIDInFile, 'UI', related.value);
  }

  const keys = header.keys;
  for (const key of RECORD_KEYS[type]) {
    const element = keys.get(key.tag);
    if (element !== undefined && hasValue(element)) {
      item.set(withDictionaryVR(element));
      continue;
    }
    if (key.type === 3) continue;
    if (key.type === 2) {
      const vr = implicitVR(key.tag);
      item.set(vr === 'SQ' ? { tag: key.tag, vr, items: [] } : { tag: key.tag, vr, value: new Uint8Array(0) });
      continue;
    }
    if (key.invent === undefined) {
      throw new MedVeilError('dicomdir', `${header.source}: ${keyword(key.tag)} is empty, and its ${type} directory record requires it (PS3.3 F.5)`, {
        hint: 'the instance is not valid for its SOP Class; remove it from the folder, or keep the attribute when de-identifying (a recipe rule)',
      });
    }
    const vr = implicitVR(key.tag);
    put(key.tag, vr, encodeStrings([inventedValue(key.invent, keys, place, vr)], vr, []));
    const name = `${type} ${keyword(key.tag)}`;
    invented.set(name, (invented.get(name) ?? 0) + 1);
  }
  if (type === 'SR DOCUMENT' && keys.getString(Tag.VerificationFlag) === 'VERIFIED') {
    put(Tag.VerificationDateTime, 'DT', encodeStrings([latestVerification(header)], 'DT', []));
  }
  const charset = keys.get(Tag.SpecificCharacterSet);
  if (charset?.value !== undefined && charset.value.length > 0 && usesExtendedCharacters(item)) {
    // PS3.3 F.5: Specific Character Set is Type 1C, required when a key uses another repertoire than the default.
    item.set({ tag: Tag.SpecificCharacterSet, vr: 'CS', value: charset.value });
  }
  return item;
}

/** A sequence with items, a binary value of any bytes, or text that is more than padding. */
function hasValue(element: DataElement): boolean {
  if (element.items !== undefined) return element.items.length > 0;
  if (element.value === undefined || element.value.length === 0) return false;
  return !isStringVR(element.vr) || element.value.some((byte) => byte !== 0x20 && byte !== 0x00);
}

/** A key read as UN (an explicit VR writer that did not know it) is written with its PS3.6 VR. */
function withDictionaryVR(element: DataElement): DataElement {
  if (element.vr !== 'UN' || element.value === undefined) return element;
  return { tag: element.tag, vr: implicitVR(element.tag), value: element.value };
}

function inventedValue(invention: Invention, keys: Dataset, place: Place, vr: VR): string {
  switch (invention.kind) {
    case 'constant':
      return invention.value;
    case 'ordinal':
      return vr === 'IS' ? String(place.ordinal) : place.component;
    case 'date':
    case 'time': {
      for (const tag of invention.from) {
        const value = keys.getString(tag);
        // A DT stands in for a date by its first 8 characters; a TM is taken whole.
        if (value !== undefined && invention.kind === 'date' && /^\d{8}$/.test(value.slice(0, 8))) return value.slice(0, 8);
        if (value !== undefined && invention.kind === 'time' && /^\d{2,6}(\.\d{1,6})?$/.test(value)) return value;
      }
      return invention.kind === 'date' ? DUMMY_DATE : DUMMY_TIME;
    }
  }
}

/** PS3.3 F.5.25: the Verification DateTime of the most recent verification. */
function latestVerification(header: InstanceHeader): string {
  const observers = header.keys.get(Tag.VerifyingObserverSequence)?.items ?? [];
  const times = observers.map((item) => item.getString(Tag.VerificationDateTime)).filter((t): t is string => t !== undefined).sort();
  const latest = times[times.length - 1];
  if (latest === undefined) {
    throw new MedVeilError('dicomdir', `${header.source}: the SR is VERIFIED but names no Verification DateTime, which its directory record requires (PS3.3 F.5.25)`);
  }
  return latest;
}

/** Whether any text of the record (at any depth) holds a byte outside ASCII, or an ISO 2022 escape. */
function usesExtendedCharacters(dataset: Dataset): boolean {
  for (const element of dataset) {
    if (element.items !== undefined && element.items.some(usesExtendedCharacters)) return true;
    if (element.value !== undefined && usesSpecificCharacterSet(element.vr) && element.value.some((byte) => byte >= 0x80 || byte === 0x1b)) return true;
  }
  return false;
}

function keyword(tag: number): string {
  return lookupAttribute(tag)?.keyword ?? String(tag);
}
