/**
 * Synthetic DICOM studies for the quick start, the tests and the benchmarks: fake patients whose
 * every identifying place (PS3.15 E.1-1, and the places the issue names) holds a unique planted
 * token, so a test can prove that no token survives de-identification. Nothing here is real
 * patient data; the output is deterministic for a given seed.
 */
import { createHash } from 'node:crypto';
import { Dataset, EXPLICIT_LITTLE } from '../dicom/dataset.js';
import type { DicomFile } from '../dicom/dicom-file.js';
import { Tag, makeTag } from '../dicom/tag.js';
import { encodeNumbers } from '../dicom/values.js';
import { encodeText } from '../dicom/charset/index.js';

export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
const CR_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.1';
const COMPREHENSIVE_SR_STORAGE = '1.2.840.10008.5.1.4.1.1.88.33';

/** A planted identifier: where it was put, and the exact bytes that must not appear in any output. */
export interface PlantedToken {
  readonly place: string;
  readonly text: string;
  /** The token as encoded in the file (differs from UTF-8 text for GB18030 and ISO 2022). */
  readonly bytes: Uint8Array;
}

export interface SyntheticFile {
  /** Input path, built from PHI the way PACS exports often are. */
  readonly relativePath: string;
  readonly file: DicomFile;
  readonly patient: string;
}

/** A reference from one file to another, for checking referential integrity after de-identification. */
export interface SyntheticReference {
  readonly fromSopInstanceUid: string;
  readonly toSopInstanceUid: string;
}

export interface SyntheticCorpus {
  readonly files: SyntheticFile[];
  readonly tokens: PlantedToken[];
  readonly references: SyntheticReference[];
  /** The private element that PS3.15's safe list allows, planted under its own creator. */
  readonly safePrivate: { readonly creator: string; readonly tag: number; readonly value: string };
}

export interface SyntheticCorpusOptions {
  readonly seed?: string;
  /** Image size; 2048 gives the 8 MB CR images of the benchmark corpus. */
  readonly imageSize?: number;
  /** CR images per patient (at least 2: the second references the first). */
  readonly imagesPerPatient?: number;
  readonly patients?: number;
}

interface PatientProfile {
  readonly charset: string[];
  /** Person name with an ideographic group in the patient's character set, when it has one. */
  readonly ideographic: string | undefined;
}

const PROFILES: readonly PatientProfile[] = [
  { charset: ['GB18030'], ideographic: '王秘' },
  { charset: ['', 'ISO 2022 IR 87'], ideographic: '山田' },
  { charset: ['ISO_IR 100'], ideographic: undefined },
  { charset: ['ISO_IR 192'], ideographic: '李密' },
];

export function syntheticCorpus(options: SyntheticCorpusOptions = {}): SyntheticCorpus {
  const seed = options.seed ?? 'medveil-sample';
  const patients = options.patients ?? 3;
  const imagesPerPatient = Math.max(2, options.imagesPerPatient ?? 2);
  const size = options.imageSize ?? 64;
  const builder = new CorpusBuilder(seed);
  const files: SyntheticFile[] = [];
  for (let p = 0; p < patients; p++) {
    files.push(...builder.patient(p, PROFILES[p % PROFILES.length]!, imagesPerPatient, size));
  }
  return { files, tokens: builder.tokens, references: builder.references, safePrivate: builder.safePrivate };
}

class CorpusBuilder {
  readonly tokens: PlantedToken[] = [];
  readonly references: SyntheticReference[] = [];
  readonly safePrivate = { creator: 'SIEMENS MR HEADER', tag: 0x0019100c, value: '1000' };
  private counter = 0;

  constructor(private readonly seed: string) {}

  /** A unique ASCII token such as "TK7F3A09": distinctive enough never to occur by chance. */
  private token(place: string, prefix = 'TK'): string {
    const text = `${prefix}${this.digest(`token/${place}/${this.counter++}`).slice(0, 8).toUpperCase()}`;
    this.tokens.push({ place, text, bytes: Buffer.from(text, 'latin1') });
    return text;
  }

  private digest(what: string): string {
    return createHash('sha256').update(`${this.seed}/${what}`).digest('hex');
  }

  /** A UID under 2.25 derived from the seed; planted as a token too, since it must be remapped. */
  private uid(place: string): string {
    const uid = `2.25.${BigInt(`0x${this.digest(`uid/${place}`).slice(0, 30)}`).toString()}`;
    this.tokens.push({ place, text: uid, bytes: Buffer.from(uid, 'latin1') });
    return uid;
  }

  /** A date token (YYYYMMDD) that is unique in the corpus and a valid date. */
  private date(place: string): string {
    const n = parseInt(this.digest(`date/${place}`).slice(0, 8), 16);
    const year = 1990 + (n % 30);
    const month = 1 + ((n >>> 5) % 12);
    const day = 1 + ((n >>> 9) % 28);
    const text = `${year}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}`;
    this.tokens.push({ place, text, bytes: Buffer.from(text, 'latin1') });
    return text;
  }

  private time(place: string): string {
    const n = parseInt(this.digest(`time/${place}`).slice(0, 8), 16);
    const text = `${String(n % 24).padStart(2, '0')}${String((n >>> 5) % 60).padStart(2, '0')}${String((n >>> 11) % 60).padStart(2, '0')}.${String(n % 1000000).padStart(6, '0')}`;
    this.tokens.push({ place, text, bytes: Buffer.from(text, 'latin1') });
    return text;
  }

  patient(index: number, profile: PatientProfile, images: number, size: number): SyntheticFile[] {
    const p = `patient${index}`;
    const family = this.token(`${p}/PatientName family`, 'FAM');
    const given = this.token(`${p}/PatientName given`, 'GIV');
    let patientName = `${family}^${given}`;
    if (profile.ideographic) {
      patientName += `=${profile.ideographic}${index}^${profile.ideographic}`;
      const text = `${profile.ideographic}${index}`;
      this.tokens.push({ place: `${p}/PatientName ideographic`, text, bytes: encodeText(text, profile.charset, 'PN') });
    }
    const facts = {
      patientName,
      patientId: this.token(`${p}/PatientID`, 'PID'),
      // One issuer per patient, as in an archive: the pseudonymous patient reference is keyed on issuer and ID.
      issuerOfPatientId: this.token(`${p}/IssuerOfPatientID`, 'ISS'),
      birthDate: this.date(`${p}/PatientBirthDate`),
      studyUid: this.uid(`${p}/StudyInstanceUID`),
      studyDate: this.date(`${p}/StudyDate`),
      studyTime: this.time(`${p}/StudyTime`),
      accession: this.token(`${p}/AccessionNumber`, 'ACC'),
      frameOfReference: this.uid(`${p}/FrameOfReferenceUID`),
    };
    const files: SyntheticFile[] = [];
    const seriesUid = this.uid(`${p}/SeriesInstanceUID CR`);
    const imageUids: string[] = [];
    for (let i = 0; i < images; i++) {
      const sopUid = this.uid(`${p}/SOPInstanceUID CR ${i}`);
      const previous = imageUids[imageUids.length - 1];
      imageUids.push(sopUid);
      const dataset = this.crImage(`${p}/image${i}`, profile, facts, seriesUid, sopUid, previous, size);
      if (previous) this.references.push({ fromSopInstanceUid: sopUid, toSopInstanceUid: previous });
      files.push(this.file(dataset, facts, `${i}`, CR_IMAGE_STORAGE, sopUid, p));
    }
    const srUid = this.uid(`${p}/SOPInstanceUID SR`);
    const sr = this.srDocument(`${p}/sr`, profile, facts, srUid, seriesUid, imageUids);
    for (const target of imageUids) this.references.push({ fromSopInstanceUid: srUid, toSopInstanceUid: target });
    files.push(this.file(sr, facts, 'report', COMPREHENSIVE_SR_STORAGE, srUid, p));
    return files;
  }

  private file(dataset: Dataset, facts: { patientName: string; patientId: string; studyDate: string }, name: string, sopClass: string, sopUid: string, patient: string): SyntheticFile {
    const meta = new Dataset(EXPLICIT_LITTLE);
    meta.set({ tag: Tag.FileMetaInformationVersion, vr: 'OB', value: new Uint8Array([0, 1]) });
    meta.setString(Tag.MediaStorageSOPClassUID, sopClass);
    meta.setString(Tag.MediaStorageSOPInstanceUID, sopUid);
    meta.setString(Tag.TransferSyntaxUID, EXPLICIT_VR_LITTLE_ENDIAN);
    meta.setString(Tag.SourceApplicationEntityTitle, this.token(`${patient}/${name}/SourceApplicationEntityTitle (0002,0016)`, 'AES'));
    const folderToken = this.token(`${patient}/${name}/folder name`, 'DIR');
    const fileToken = this.token(`${patient}/${name}/file name`, 'FIL');
    // Named the way PACS exports often are: patient name, ID and dates in the path.
    const alphabetic = facts.patientName.split('=')[0]!.replace('^', '_');
    const relativePath = `${alphabetic}_${facts.patientId}/${facts.studyDate}_${folderToken}/${fileToken}_${name}.dcm`;
    return { relativePath, patient, file: { preamble: undefined, meta, dataset, transferSyntaxUid: EXPLICIT_VR_LITTLE_ENDIAN, warnings: [] } };
  }

  private common(place: string, profile: PatientProfile, facts: Record<string, string>, sopClass: string, sopUid: string): Dataset {
    const ds = new Dataset(EXPLICIT_LITTLE);
    if (profile.charset.some((c) => c !== '')) ds.setStrings(Tag.SpecificCharacterSet, profile.charset, 'CS');
    ds.setStrings(Tag.ImageType, ['ORIGINAL', 'PRIMARY'], 'CS');
    ds.setString(Tag.InstanceCreationDate, this.date(`${place}/InstanceCreationDate`));
    ds.setString(Tag.InstanceCreationTime, this.time(`${place}/InstanceCreationTime`));
    ds.setString(Tag.SOPClassUID, sopClass);
    ds.setString(Tag.SOPInstanceUID, sopUid);
    ds.setString(Tag.StudyDate, facts.studyDate!);
    ds.setString(Tag.SeriesDate, this.date(`${place}/SeriesDate`));
    ds.setString(Tag.AcquisitionDate, this.date(`${place}/AcquisitionDate`));
    ds.setString(Tag.ContentDate, this.date(`${place}/ContentDate`));
    ds.setString(Tag.AcquisitionDateTime, `${this.date(`${place}/AcquisitionDateTime date`)}${this.time(`${place}/AcquisitionDateTime time`)}`);
    ds.setString(Tag.StudyTime, facts.studyTime!);
    ds.setString(Tag.SeriesTime, this.time(`${place}/SeriesTime`));
    ds.setString(Tag.ContentTime, this.time(`${place}/ContentTime`));
    ds.setString(Tag.AccessionNumber, facts.accession!);
    ds.setString(Tag.InstitutionName, this.token(`${place}/InstitutionName`, 'INS'));
    ds.setString(Tag.InstitutionAddress, `${this.token(`${place}/InstitutionAddress`, 'IAD')} Hospital Road`);
    ds.setString(Tag.InstitutionalDepartmentName, this.token(`${place}/InstitutionalDepartmentName`, 'DEP'));
    ds.setString(Tag.ReferringPhysicianName, `${this.token(`${place}/ReferringPhysicianName`, 'REF')}^Doctor`);
    ds.setString(Tag.PerformingPhysicianName, `${this.token(`${place}/PerformingPhysicianName`, 'PRF')}^Doctor`);
    ds.setString(Tag.NameOfPhysiciansReadingStudy, `${this.token(`${place}/NameOfPhysiciansReadingStudy`, 'RDR')}^Doctor`);
    ds.setString(Tag.OperatorsName, `${this.token(`${place}/OperatorsName`, 'OPR')}^Tech`);
    ds.setString(Tag.StationName, this.token(`${place}/StationName`, 'STN'));
    ds.setString(Tag.RetrieveAETitle, this.token(`${place}/RetrieveAETitle`, 'RAE'));
    ds.setString(Tag.DeviceSerialNumber, this.token(`${place}/DeviceSerialNumber`, 'SER'));
    ds.setString(Tag.StudyDescription, this.token(`${place}/StudyDescription`, 'SDS'));
    ds.setString(Tag.SeriesDescription, this.token(`${place}/SeriesDescription`, 'SED'));
    ds.setString(Tag.PatientName, facts.patientName!);
    ds.setString(Tag.PatientID, facts.patientId!);
    ds.setString(Tag.IssuerOfPatientID, facts.issuerOfPatientId!);
    ds.setString(Tag.PatientBirthDate, facts.birthDate!);
    ds.setString(Tag.PatientBirthTime, this.time(`${place}/PatientBirthTime`));
    ds.setString(Tag.PatientSex, 'O');
    ds.setString(Tag.PatientAge, '093Y');
    ds.setString(Tag.PatientAddress, `${this.token(`${place}/PatientAddress`, 'ADR')} Street 12`);
    ds.setString(Tag.PatientTelephoneNumbers, `+86 ${this.token(`${place}/PatientTelephoneNumbers`, 'TEL')}`);
    ds.setString(Tag.OtherPatientNames, `${this.token(`${place}/OtherPatientNames`, 'OPN')}^Alias`);
    ds.setString(Tag.PatientComments, `${this.token(`${place}/PatientComments`, 'PCM')} free text`);
    ds.setString(Tag.AdditionalPatientHistory, `${this.token(`${place}/AdditionalPatientHistory`, 'HIS')} history`);
    ds.set({ tag: Tag.OtherPatientIDsSequence, vr: 'SQ', items: [this.item(ds, (item) => {
      item.setString(Tag.PatientID, this.token(`${place}/OtherPatientIDsSequence/PatientID`, 'OID'));
      item.setString(Tag.IssuerOfPatientID, this.token(`${place}/OtherPatientIDsSequence/IssuerOfPatientID`, 'OIS'));
      item.setString(Tag.TypeOfPatientID, 'TEXT');
    })] });
    ds.setString(Tag.StudyInstanceUID, facts.studyUid!);
    ds.setString(Tag.StudyID, this.token(`${place}/StudyID`, 'SID'));
    ds.setString(Tag.FrameOfReferenceUID, facts.frameOfReference!);
    ds.set({ tag: Tag.RequestAttributesSequence, vr: 'SQ', items: [this.item(ds, (item) => {
      item.setString(Tag.RequestedProcedureID, this.token(`${place}/RequestAttributesSequence/RequestedProcedureID`, 'RPI'));
      item.setString(Tag.ScheduledProcedureStepID, this.token(`${place}/RequestAttributesSequence/ScheduledProcedureStepID`, 'SPS'));
      item.setString(Tag.AccessionNumber, this.token(`${place}/RequestAttributesSequence/AccessionNumber`, 'RAC'));
    })] });
    ds.setString(Tag.PlacerOrderNumberImagingServiceRequest, this.token(`${place}/PlacerOrderNumber`, 'PLO'));
    ds.setString(Tag.FillerOrderNumberImagingServiceRequest, this.token(`${place}/FillerOrderNumber`, 'FLO'));
    ds.setString(Tag.PerformedStationAETitle, this.token(`${place}/PerformedStationAETitle`, 'PAE'));
    ds.setString(Tag.PerformedProcedureStepStartDate, this.date(`${place}/PerformedProcedureStepStartDate`));
    ds.setString(Tag.PerformedProcedureStepID, this.token(`${place}/PerformedProcedureStepID`, 'PPS'));
    this.privates(ds, place);
    return ds;
  }

  /** Private elements: one under a creator, one orphan (no creator), and PS3.15's safe one under its own and a foreign creator. */
  private privates(ds: Dataset, place: string): void {
    ds.setString(makeTag(0x0009, 0x0010), 'ACME HOSPITAL PRIVATE', 'LO');
    ds.setString(makeTag(0x0009, 0x1001), this.token(`${place}/private with creator (0009,1001)`, 'PRV'), 'LO');
    ds.setString(makeTag(0x0011, 0x1001), this.token(`${place}/private orphan (0011,1001)`, 'ORP'), 'LO');
    ds.setString(makeTag(0x0019, 0x0010), this.safePrivate.creator, 'LO');
    ds.setString(this.safePrivate.tag, this.safePrivate.value, 'DS');
    // Same element byte as the safe one, but in a block reserved by another creator: not safe.
    ds.setString(makeTag(0x0019, 0x0011), 'OTHER VENDOR', 'LO');
    ds.setString(makeTag(0x0019, 0x110c), this.token(`${place}/private unsafe creator (0019,110C)`, 'UNS'), 'LO');
  }

  private item(parent: Dataset, fill: (item: Dataset) => void): Dataset {
    const item = new Dataset(EXPLICIT_LITTLE, parent);
    fill(item);
    return item;
  }

  private crImage(place: string, profile: PatientProfile, facts: Record<string, string>, seriesUid: string, sopUid: string, previous: string | undefined, size: number): Dataset {
    const ds = this.common(place, profile, facts, CR_IMAGE_STORAGE, sopUid);
    ds.setString(Tag.Modality, 'CR');
    ds.setString(Tag.BodyPartExamined, 'CHEST');
    ds.setString(Tag.SeriesInstanceUID, seriesUid);
    ds.setString(Tag.SeriesNumber, '1');
    ds.setString(Tag.InstanceNumber, place.endsWith('0') ? '1' : '2');
    ds.setString(Tag.ImageComments, `${this.token(`${place}/ImageComments`, 'IMC')} comment`);
    ds.setString(Tag.BurnedInAnnotation, 'NO');
    if (previous) {
      // Three sequence levels deep: ReferencedStudy → ReferencedSeries → ReferencedImage (a UID at depth 3).
      ds.set({ tag: Tag.SourceImageSequence, vr: 'SQ', items: [this.item(ds, (item) => {
        item.setString(Tag.ReferencedSOPClassUID, CR_IMAGE_STORAGE);
        item.setString(Tag.ReferencedSOPInstanceUID, previous);
      })] });
      ds.set({ tag: Tag.ReferencedStudySequence, vr: 'SQ', items: [this.item(ds, (study) => {
        study.setString(Tag.ReferencedSOPClassUID, '1.2.840.10008.3.1.2.3.1');
        study.setString(Tag.ReferencedSOPInstanceUID, facts.studyUid!);
        study.set({ tag: Tag.ReferencedSeriesSequence, vr: 'SQ', items: [this.item(study, (series) => {
          series.setString(Tag.SeriesInstanceUID, seriesUid);
          series.set({ tag: Tag.ReferencedImageSequence, vr: 'SQ', items: [this.item(series, (image) => {
            image.setString(Tag.ReferencedSOPClassUID, CR_IMAGE_STORAGE);
            image.setString(Tag.ReferencedSOPInstanceUID, previous);
          })] });
        })] });
      })] });
    }
    // Overlay plane 6000 and curve 5000, each carrying a token in its data.
    ds.set({ tag: makeTag(0x6000, 0x0010), vr: 'US', value: encodeNumbers([8], 'US') });
    ds.set({ tag: makeTag(0x6000, 0x0011), vr: 'US', value: encodeNumbers([8], 'US') });
    ds.setString(makeTag(0x6000, 0x0040), 'G', 'CS');
    ds.set({ tag: makeTag(0x6000, 0x0050), vr: 'SS', value: encodeNumbers([1, 1], 'SS') });
    ds.set({ tag: makeTag(0x6000, 0x0100), vr: 'US', value: encodeNumbers([1], 'US') });
    ds.set({ tag: makeTag(0x6000, 0x0102), vr: 'US', value: encodeNumbers([0], 'US') });
    ds.set({ tag: makeTag(0x6000, 0x3000), vr: 'OW', value: Buffer.from(this.token(`${place}/OverlayData (6000,3000)`, 'OVL')) });
    ds.setString(makeTag(0x6000, 0x4000), this.token(`${place}/OverlayComments (6000,4000)`, 'OVC'), 'LT');
    ds.set({ tag: makeTag(0x5000, 0x3000), vr: 'OW', value: Buffer.from(this.token(`${place}/CurveData (5000,3000)`, 'CRV')) });
    ds.setString(makeTag(0x5000, 0x2500), this.token(`${place}/CurveLabel (5000,2500)`, 'CVL'), 'LO');
    ds.set({ tag: Tag.IconImageSequence, vr: 'SQ', items: [this.item(ds, (icon) => {
      icon.set({ tag: Tag.SamplesPerPixel, vr: 'US', value: encodeNumbers([1], 'US') });
      icon.setString(Tag.PhotometricInterpretation, 'MONOCHROME2');
      icon.set({ tag: Tag.Rows, vr: 'US', value: encodeNumbers([2], 'US') });
      icon.set({ tag: Tag.Columns, vr: 'US', value: encodeNumbers([6], 'US') });
      icon.set({ tag: Tag.BitsAllocated, vr: 'US', value: encodeNumbers([8], 'US') });
      icon.set({ tag: Tag.BitsStored, vr: 'US', value: encodeNumbers([8], 'US') });
      icon.set({ tag: Tag.HighBit, vr: 'US', value: encodeNumbers([7], 'US') });
      icon.set({ tag: Tag.PixelRepresentation, vr: 'US', value: encodeNumbers([0], 'US') });
      icon.set({ tag: Tag.PixelData, vr: 'OB', value: Buffer.from(`${this.token(`${place}/IconImageSequence PixelData`, 'ICN')}ICON`.slice(0, 12)) });
    })] });
    this.pixels(ds, size, place);
    return ds;
  }

  private pixels(ds: Dataset, size: number, place: string): void {
    ds.setString(Tag.PhotometricInterpretation, 'MONOCHROME2');
    const us = (tag: number, v: number): void => ds.set({ tag, vr: 'US', value: encodeNumbers([v], 'US') });
    us(Tag.SamplesPerPixel, 1);
    us(Tag.Rows, size);
    us(Tag.Columns, size);
    us(Tag.BitsAllocated, 16);
    us(Tag.BitsStored, 12);
    us(Tag.HighBit, 11);
    us(Tag.PixelRepresentation, 0);
    const pixels = new Uint16Array(size * size);
    let state = parseInt(this.digest(`pixels/${place}`).slice(0, 8), 16) || 1;
    for (let i = 0; i < pixels.length; i++) {
      state ^= state << 13; state ^= state >>> 17; state ^= state << 5;
      pixels[i] = (state >>> 0) & 0x0fff;
    }
    ds.set({ tag: Tag.PixelData, vr: 'OW', value: new Uint8Array(pixels.buffer) });
  }

  private srDocument(place: string, profile: PatientProfile, facts: Record<string, string>, sopUid: string, imageSeriesUid: string, images: string[]): Dataset {
    const ds = this.common(place, profile, facts, COMPREHENSIVE_SR_STORAGE, sopUid);
    ds.delete(Tag.ImageType);
    ds.setString(Tag.Modality, 'SR');
    ds.setString(Tag.SeriesInstanceUID, this.uid(`${place}/SeriesInstanceUID SR`));
    ds.setString(Tag.SeriesNumber, '2');
    ds.setString(Tag.InstanceNumber, '1');
    ds.setString(Tag.ValueType, 'CONTAINER');
    ds.setString(Tag.ContinuityOfContent, 'SEPARATE');
    ds.setString(Tag.CompletionFlag, 'COMPLETE');
    ds.setString(Tag.VerificationFlag, 'UNVERIFIED');
    ds.set({ tag: Tag.ConceptNameCodeSequence, vr: 'SQ', items: [this.code(ds, '18748-4', 'LN', 'Diagnostic Imaging Report')] });
    ds.set({ tag: Tag.CurrentRequestedProcedureEvidenceSequence, vr: 'SQ', items: [this.item(ds, (study) => {
      study.setString(Tag.StudyInstanceUID, facts.studyUid!);
      study.set({ tag: Tag.ReferencedSeriesSequence, vr: 'SQ', items: [this.item(study, (series) => {
        series.setString(Tag.SeriesInstanceUID, imageSeriesUid);
        series.set({ tag: Tag.ReferencedSOPSequence, vr: 'SQ', items: images.map((uid) => this.item(series, (ref) => {
          ref.setString(Tag.ReferencedSOPClassUID, CR_IMAGE_STORAGE);
          ref.setString(Tag.ReferencedSOPInstanceUID, uid);
        })) });
      })] });
    })] });
    // SR content: free text, a person, a date-time, and an image reference nested three levels down.
    ds.set({ tag: Tag.ContentSequence, vr: 'SQ', items: [
      this.item(ds, (text) => {
        text.setString(Tag.RelationshipType, 'CONTAINS');
        text.setString(Tag.ValueType, 'TEXT');
        text.set({ tag: Tag.ConceptNameCodeSequence, vr: 'SQ', items: [this.code(text, '121071', 'DCM', 'Finding')] });
        text.setString(Tag.TextValue, `Patient ${this.token(`${place}/ContentSequence TextValue`, 'TXT')} seen`);
      }),
      this.item(ds, (person) => {
        person.setString(Tag.RelationshipType, 'HAS OBS CONTEXT');
        person.setString(Tag.ValueType, 'PNAME');
        person.set({ tag: Tag.ConceptNameCodeSequence, vr: 'SQ', items: [this.code(person, '121008', 'DCM', 'Person Observer Name')] });
        person.setString(Tag.PersonName, `${this.token(`${place}/ContentSequence PersonName`, 'OBS')}^Reader`);
      }),
      this.item(ds, (when) => {
        when.setString(Tag.RelationshipType, 'HAS OBS CONTEXT');
        when.setString(Tag.ValueType, 'DATETIME');
        when.set({ tag: Tag.ConceptNameCodeSequence, vr: 'SQ', items: [this.code(when, '111526', 'DCM', 'DateTime Started')] });
        when.setString(Tag.DateTime, `${this.date(`${place}/ContentSequence DateTime`)}120000`);
      }),
      this.item(ds, (container) => {
        container.setString(Tag.RelationshipType, 'CONTAINS');
        container.setString(Tag.ValueType, 'CONTAINER');
        container.setString(Tag.ContinuityOfContent, 'SEPARATE');
        container.set({ tag: Tag.ConceptNameCodeSequence, vr: 'SQ', items: [this.code(container, '121070', 'DCM', 'Findings')] });
        container.set({ tag: Tag.ContentSequence, vr: 'SQ', items: [this.item(container, (image) => {
          image.setString(Tag.RelationshipType, 'CONTAINS');
          image.setString(Tag.ValueType, 'IMAGE');
          image.set({ tag: Tag.ConceptNameCodeSequence, vr: 'SQ', items: [this.code(image, '121080', 'DCM', 'Best illustration of finding')] });
          image.set({ tag: Tag.ReferencedSOPSequence, vr: 'SQ', items: [this.item(image, (ref) => {
            ref.setString(Tag.ReferencedSOPClassUID, CR_IMAGE_STORAGE);
            ref.setString(Tag.ReferencedSOPInstanceUID, images[0]!);
          })] });
        })] });
      }),
    ] });
    return ds;
  }

  private code(parent: Dataset, value: string, scheme: string, meaning: string): Dataset {
    return this.item(parent, (code) => {
      code.setString(Tag.CodeValue, value);
      code.setString(Tag.CodingSchemeDesignator, scheme);
      code.setString(Tag.CodeMeaning, meaning);
    });
  }
}
