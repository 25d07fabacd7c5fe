/**
 * The PS3.15 Annex E de-identification engine: applies the Basic Application Level
 * Confidentiality Profile (Table E.1-1) with the recipe's options and overrides to a dataset and
 * every item of every sequence in it, in place. It touches header elements only; Pixel Data is
 * never read or copied here. The pixel stage (src/pixels/clean-pixels.ts) runs before, on the
 * whole file, and the engine learns what it did as a value (`PixelCleaning`, see
 * assess-pixels.ts for what that decides).
 *
 * On error the dataset may be half done: the caller discards it and quarantines the file.
 */
import type { Dataset } from '../dicom/dataset.js';
import type { DataElement } from '../dicom/element.js';
import { lookupAttribute } from '../dicom/dictionary.js';
import { Tag, formatTag, isPrivateCreatorTag, isPrivateTag, privateCreatorTagOf, tagElement, tagGroup } from '../dicom/tag.js';
import { type VR, isStringVR } from '../dicom/vr.js';
import { MedVeilError } from '../errors.js';
import { assessPixels, hasPixelData } from './assess-pixels.js';
import { capAge } from './cap-age.js';
import { type DeidAction, type DeidReport, type DeidReportEntry, type PixelStageReport, emptyCounts } from './deid-report.js';
import { deidentifyFileMeta } from './deidentify-file-meta.js';
import { dummyBytes, dummyStrings, maxTextLength } from './dummy-value.js';
import { looksLikeUids, readValues, writeAsciiValues, writeBytes, writeValues } from './element-text.js';
import { DEID_OPTIONS } from './options.js';
import { type Decision, decideAction, overrideFor } from './decide-action.js';
import type { PixelCleaning } from './pixel-cleaning.js';
import { shiftDA, shiftDT } from './pseudonym/date-shift.js';
import type { Pseudonymizer } from './pseudonymizer.js';
import { type Recipe, privateRuleKey } from './recipe.js';
import type { Action } from './profile.js';
import { normaliseCreator } from './safe-private.js';
import { writeDeidMethod } from './write-deid-method.js';

export interface DeidentifyOptions {
  readonly recipe: Recipe;
  readonly pseudonymizer: Pseudonymizer;
  /**
   * What the pixel stage did to this data set, when it ran (`deidentifyInstance` runs it when
   * `pixelStageRequired` says so). Without it, a data set that needs clean pixels is refused.
   */
  readonly pixelCleaning?: PixelCleaning;
}

/** Free-text VRs replaced inside sequences that are being cleaned (D or C), when no row names them. */
const FREE_TEXT: ReadonlySet<VR> = new Set(['ST', 'LT', 'UT', 'UC']);
/** Longer UN values are bulk data, not a list of UIDs; they are never decoded here. */
const MAX_UID_LIST_BYTES = 64 * 65;

/** VRs whose values are text a keyed token can stand in for. */
const CLEANABLE_TEXT: ReadonlySet<VR> = new Set(['AE', 'CS', 'LO', 'SH', 'ST', 'LT', 'UT', 'UC', 'PN']);

interface Walk {
  readonly recipe: Recipe;
  readonly pseudonymizer: Pseudonymizer;
  readonly retainUIDs: boolean;
  readonly shiftDates: boolean;
  readonly cleanGraphics: boolean;
  readonly patientKey: string;
  /** Overlay planes may be kept under Clean Graphics: the recipe vouches for the pixels, or there are none. */
  readonly overlaysKnownClean: boolean;
  readonly entries: DeidReportEntry[];
  readonly counts: Record<DeidAction, number>;
  readonly warnings: string[];
  offset: number | undefined;
  /** A recipe override kept something the profile would have removed or replaced. */
  weakened: boolean;
  overlaysDropped: boolean;
}

export function deidentifyDataset(dataset: Dataset, options: DeidentifyOptions): DeidReport {
  const { recipe, pseudonymizer } = options;
  const cleaning = options.pixelCleaning;
  const pixels = assessPixels(dataset, recipe, cleaning);
  const walk: Walk = {
    recipe,
    pseudonymizer,
    retainUIDs: recipe.options.has('retainUIDs'),
    shiftDates: recipe.options.has('retainLongitudinalModifiedDates'),
    cleanGraphics: recipe.options.has('cleanGraphics'),
    patientKey: dataset.getString(Tag.PatientID) ?? '',
    // The pixel stage fills text in Pixel Data, not in overlay bitmaps: after it ran, an overlay
    // left in a nested item is still unverified.
    overlaysKnownClean: pixels.clean && cleaning === undefined,
    entries: [],
    counts: emptyCounts(),
    warnings: [],
    offset: undefined,
    weakened: false,
    overlaysDropped: false,
  };
  if (walk.shiftDates && walk.patientKey === '') {
    walk.warnings.push('Patient ID is empty: dates are shifted by the offset shared by all files without a Patient ID');
  }
  if (pixels.clean && recipe.pixelsKnownClean) walk.warnings.push('pixels taken as clean because the recipe says so (pixelsKnownClean)');
  if (!pixels.clean) walk.warnings.push(`pixels not verified clean (${pixels.reason}): Patient Identity Removed is NO`);
  if (cleaning !== undefined && cleaning.overlayGroupsRemoved.length > 0 && walk.cleanGraphics) {
    walk.warnings.push('Clean Graphics: overlay planes were removed by the pixel stage, which cannot clean text in an overlay bitmap');
  }
  if (recipe.options.has('cleanPixelData') && !pixels.cleanedNow && hasPixelData(dataset)) {
    walk.warnings.push('Clean Pixel Data not applied: the pixel stage did not look for text in this image (113101 not listed)');
  }

  const hasMeta = deidentifyItem(dataset, '', false, walk, true);

  if (pixels.cleanedNow) writeAsciiValues(dataset, Tag.BurnedInAnnotation, 'CS', ['NO']);
  // 113101 states that this run cleaned the pixels: listed when the stage looked, never on the recipe's word alone.
  const applied = DEID_OPTIONS.filter((o) => (o === 'cleanPixelData' ? pixels.cleanedNow : recipe.options.has(o)));
  if (applied.includes('cleanRecognizableVisualFeatures')) writeAsciiValues(dataset, Tag.RecognizableVisualFeatures, 'CS', ['NO']);
  const patientIdentityRemoved = pixels.clean && !walk.weakened;
  if (walk.weakened) walk.warnings.push('recipe overrides keep what the profile removes: Patient Identity Removed is NO');
  writeDeidMethod(dataset, { patientIdentityRemoved, optionsApplied: applied, recipeName: recipe.name });
  if (hasMeta) deidentifyFileMeta(dataset, dataset);

  return {
    recipe: recipe.name,
    entries: walk.entries,
    counts: walk.counts,
    warnings: walk.warnings,
    patientIdentityRemoved,
    optionsApplied: applied,
    pixelRegions: pixels.regions,
    pixelStage: cleaning === undefined ? undefined : pixelStageReport(cleaning),
  };
}

function pixelStageReport(cleaning: PixelCleaning): PixelStageReport {
  const report: PixelStageReport = {
    rulesMatched: [...cleaning.rulesMatched],
    textFinder: cleaning.textFinder,
    regionsFilled: cleaning.regionsPerFrame.reduce((sum, n) => sum + n, 0),
    framesFilled: cleaning.regionsPerFrame.filter((n) => n > 0).length,
    framesWithHighBitsCleared: cleaning.framesWithHighBitsCleared,
    overlayGroupsRemoved: cleaning.overlayGroupsRemoved.map((group) => group.toString(16).toUpperCase().padStart(4, '0')),
    iconSequencesRemoved: cleaning.iconSequencesRemoved,
  };
  return cleaning.transferSyntaxChanged === undefined ? report : { ...report, transferSyntaxChanged: { ...cleaning.transferSyntaxChanged } };
}

/** Returns whether the dataset holds File Meta elements (group 0002), left for deidentifyFileMeta. */
function deidentifyItem(dataset: Dataset, prefix: string, cleaning: boolean, walk: Walk, isMain: boolean): boolean {
  const charsets = dataset.specificCharacterSet();
  const creators = new Map<number, string>();
  const creatorTags: number[] = [];
  for (const tag of dataset.tags()) {
    if (!isPrivateCreatorTag(tag)) continue;
    creatorTags.push(tag);
    const creator = normaliseCreator(dataset.getString(tag) ?? '');
    if (creator !== '') creators.set(tag, creator);
  }
  const step: Step = { dataset, charsets, walk, cleaning, isMain, prefix };
  const used = new Set<number>();
  let hasMeta = false;
  for (const tag of [...dataset.tags()]) {
    const element = dataset.get(tag);
    if (!element || isPrivateCreatorTag(tag)) continue;
    if (tagGroup(tag) === 0x0002) {
      // File Meta belongs to the main data set only (PS3.10 7.1); inside an item it is noise.
      if (isMain) hasMeta = true;
      else remove(step, element, lookupAttribute(tag)?.keyword ?? '');
      continue;
    }
    if (tagElement(tag) === 0x0000) {
      // Group lengths (retired, PS3.5 7.2) would be stale after any change.
      remove(step, element, 'GroupLength');
      continue;
    }
    if (isIllegalGroup(tagGroup(tag))) {
      // Groups 0001, 0003, 0005, 0007 and FFFF may not be used (PS3.5 7.1); nobody can say what they hold.
      remove(step, element, '');
      continue;
    }
    if (isPrivateTag(tag)) {
      privateElement(step, element, creators);
      const creatorTag = privateCreatorTagOf(tag);
      if (creatorTag !== undefined && dataset.has(tag)) used.add(creatorTag);
    } else {
      standardElement(step, element);
    }
  }
  for (const tag of creatorTags) {
    const element = dataset.get(tag)!;
    if (used.has(tag)) record(step, element, 'PrivateCreator', 'kept');
    else remove(step, element, 'PrivateCreator');
  }
  return hasMeta;
}

function isIllegalGroup(group: number): boolean {
  return group === 0x0001 || group === 0x0003 || group === 0x0005 || group === 0x0007 || group === 0xffff;
}

interface Step {
  readonly dataset: Dataset;
  readonly charsets: readonly string[];
  readonly walk: Walk;
  readonly cleaning: boolean;
  readonly isMain: boolean;
  readonly prefix: string;
}

const FORMATTED = new Map<number, string>();
const FORMATTED_LIMIT = 65536;

/** formatTag, remembered: the same few hundred tags recur in every file of a run. */
function tagText(tag: number): string {
  let text = FORMATTED.get(tag);
  if (text === undefined) {
    text = formatTag(tag);
    if (FORMATTED.size < FORMATTED_LIMIT) FORMATTED.set(tag, text);
  }
  return text;
}

function pathOf(step: Step, element: DataElement): string {
  return step.prefix + tagText(element.tag);
}

function record(step: Step, element: DataElement, keyword: string, action: DeidAction): void {
  step.walk.entries.push({ path: pathOf(step, element), keyword, action });
  step.walk.counts[action] += 1;
}

function remove(step: Step, element: DataElement, keyword: string): void {
  step.dataset.delete(element.tag);
  record(step, element, keyword, 'removed');
}

/** The VR to reason with: an element read as UN takes the dictionary's VR when there is one. */
function reasoningVR(element: DataElement): VR {
  if (element.items) return 'SQ';
  if (element.vr !== 'UN') return element.vr;
  return lookupAttribute(element.tag)?.vr ?? 'UN';
}

function standardElement(step: Step, element: DataElement): void {
  const { walk } = step;
  const tag = element.tag;
  const keyword = lookupAttribute(tag)?.keyword ?? '';
  const vr = reasoningVR(element);
  const group = tagGroup(tag) & 0xff00;
  if (group === 0x5000 || group === 0x6000) {
    graphicsElement(step, element, vr, keyword);
    return;
  }
  const decision = decideAction(walk.recipe, tag);
  if (decision === null) {
    keep(step, element, vr, keyword, false);
    return;
  }
  if (decision.weakens) walk.weakened = true;
  apply(step, element, vr, keyword, decision);
}

/**
 * Curves (50xx) and overlays (60xx): removed entirely unless Clean Graphics retains them
 * (PS3.15 E.3.3); then their text is replaced by keyed tokens and overlay planes are kept only
 * when the pixels are known clean, since an overlay can hold burned-in text like Pixel Data.
 */
function graphicsElement(step: Step, element: DataElement, vr: VR, keyword: string): void {
  const { walk } = step;
  const override = overrideFor(walk.recipe, element.tag);
  if (override !== undefined) {
    if (override === 'K' || override === 'C') walk.weakened = true;
    apply(step, element, vr, keyword, { action: override, option: undefined, basic: 'X', weakens: false });
    return;
  }
  if (!walk.cleanGraphics) {
    remove(step, element, keyword);
    return;
  }
  if ((tagGroup(element.tag) & 0xff00) === 0x6000 && !walk.overlaysKnownClean) {
    if (!walk.overlaysDropped) walk.warnings.push('overlay planes removed: Clean Graphics keeps them only when the pixels are known clean');
    walk.overlaysDropped = true;
    remove(step, element, keyword);
    return;
  }
  if (CLEANABLE_TEXT.has(vr)) cleanText(step, element, vr, keyword);
  else record(step, element, keyword, 'kept');
}

const HEX_BYTE = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0'));

function privateElement(step: Step, element: DataElement, creators: ReadonlyMap<number, string>): void {
  const { walk } = step;
  const tag = element.tag;
  const creatorTag = privateCreatorTagOf(tag);
  const creator = creatorTag === undefined ? undefined : creators.get(creatorTag);
  if (creator === undefined) {
    // An orphan: no creator reserves its block (PS3.5 7.8.1), so nobody can say what it holds.
    remove(step, element, 'Private');
    return;
  }
  const byte = tag & 0xff;
  const keyword = `Private:${creator}:0x${HEX_BYTE[byte]}`;
  const override = walk.recipe.privateActions.size === 0 ? undefined : walk.recipe.privateActions.get(privateRuleKey(creator, byte));
  if (override !== undefined) {
    if (override === 'K' || override === 'C') walk.weakened = true;
    apply(step, element, reasoningVR(element), keyword, { action: override, option: undefined, basic: 'X', weakens: false });
    return;
  }
  if (walk.recipe.options.has('retainSafePrivate') && walk.recipe.safePrivate.has(tagGroup(tag), creator, byte)) {
    keep(step, element, reasoningVR(element), keyword, false);
    return;
  }
  remove(step, element, keyword);
}

function apply(step: Step, element: DataElement, vr: VR, keyword: string, decision: Decision): void {
  switch (decision.action) {
    case 'X':
      remove(step, element, keyword);
      return;
    case 'Z':
      empty(step, element, vr, keyword);
      return;
    case 'D':
      dummy(step, element, vr, keyword);
      return;
    case 'U':
      if (vr === 'SQ') sequence(step, element, keyword, step.cleaning, 'cleaned');
      else if (vr === 'UI') remapUids(step, element, vr, keyword);
      else dummy(step, element, vr, keyword);
      return;
    case 'K':
      keep(step, element, vr, keyword, true);
      return;
    case 'C':
      clean(step, element, vr, keyword, decision);
      return;
  }
}

function empty(step: Step, element: DataElement, vr: VR, keyword: string): void {
  const { dataset, walk } = step;
  if (vr === 'SQ') {
    // A sequence read as UN (undefined length, PS3.5 6.2.2) stays UN; its items are implicit VR.
    dataset.set(element.undefinedLength === undefined
      ? { tag: element.tag, vr: element.items ? element.vr : 'SQ', items: [] }
      : { tag: element.tag, vr: element.items ? element.vr : 'SQ', items: [], undefinedLength: element.undefinedLength });
  } else if (element.tag === Tag.PatientName && step.isMain && walk.patientKey !== '') {
    // Z allows "a non-zero length value that may be a dummy" (PS3.15 E.1.1); a keyed name keeps
    // one patient's studies together in viewers and worklists without naming anyone.
    writeValues(dataset, element, 'PN', [walk.pseudonymizer.patientName(walk.patientKey)], step.charsets);
    record(step, element, keyword, 'replaced');
    return;
  } else {
    dataset.set({ tag: element.tag, vr: element.vr === 'UN' && isStringVR(vr) ? vr : element.vr, value: new Uint8Array(0) });
  }
  record(step, element, keyword, 'emptied');
}

function dummy(step: Step, element: DataElement, vr: VR, keyword: string): void {
  const { dataset, walk } = step;
  if (vr === 'SQ') {
    sequence(step, element, keyword, true, 'cleaned');
    return;
  }
  if (vr === 'UI') {
    remapUids(step, element, vr, keyword);
    return;
  }
  const originals = readValues(dataset, element, vr, step.charsets);
  if (element.tag === Tag.PatientID) {
    const id = walk.pseudonymizer.patientId(originals[0] ?? '');
    writeValues(dataset, element, vr, [id], step.charsets);
    record(step, element, keyword, id === '' ? 'emptied' : 'replaced');
    return;
  }
  const values = dummyStrings(vr, keyword || formatTag(element.tag), originals, walk.pseudonymizer);
  if (values === undefined) {
    writeBytes(dataset, element, vr === 'UN' ? element.vr : vr, dummyBytes(vr));
    record(step, element, keyword, 'replaced');
    return;
  }
  writeValues(dataset, element, vr, values, step.charsets);
  record(step, element, keyword, values.every((v) => v === '') ? 'emptied' : 'replaced');
}

/**
 * K, and the elements no row names: kept, but sequences are still walked (a row applies
 * wherever its tag appears), UIDs are remapped unless kept on purpose, dates are shifted under
 * Modified Dates and ages over 89 are capped.
 */
function keep(step: Step, element: DataElement, vr: VR, keyword: string, explicit: boolean): void {
  const { walk } = step;
  if (vr === 'SQ') {
    sequence(step, element, keyword, step.cleaning, 'kept');
    return;
  }
  if (!element.value || element.value.length === 0) {
    record(step, element, keyword, 'kept');
    return;
  }
  if (vr === 'UI' && !explicit && !walk.retainUIDs) {
    remapUids(step, element, vr, keyword);
    return;
  }
  if (vr === 'UN' && !explicit && !walk.retainUIDs && element.value.length <= MAX_UID_LIST_BYTES
    && looksLikeUids(readValues(step.dataset, element, vr, step.charsets))) {
    remapUids(step, element, vr, keyword);
    return;
  }
  if ((vr === 'DA' || vr === 'DT') && walk.shiftDates) {
    shiftDates(step, element, vr, keyword);
    return;
  }
  if (vr === 'AS') {
    const values = readValues(step.dataset, element, vr, step.charsets);
    const capped = values.map(capAge);
    if (capped.some((v, i) => v !== values[i])) {
      writeValues(step.dataset, element, vr, capped, step.charsets);
      record(step, element, keyword, 'cleaned');
      return;
    }
  }
  if (vr === 'PN' && !explicit) {
    // A person's name that Table E.1-1 does not list (e.g. Evaluator Name) is still a name.
    empty(step, element, vr, keyword);
    return;
  }
  if (step.cleaning && !explicit && FREE_TEXT.has(vr)) {
    cleanText(step, element, vr, keyword);
    return;
  }
  record(step, element, keyword, 'kept');
}

/**
 * C: clean. Dates are shifted (Modified Dates), other values under that option kept (times and
 * time zone offsets do not move with whole days); sequences are walked with their free text
 * replaced; text becomes keyed tokens. A value we cannot clean (binary) gets the basic action.
 */
function clean(step: Step, element: DataElement, vr: VR, keyword: string, decision: Decision): void {
  if (vr === 'SQ') {
    sequence(step, element, keyword, true, 'cleaned');
    return;
  }
  if (vr === 'DA' || vr === 'DT') {
    shiftDates(step, element, vr, keyword);
    return;
  }
  if (vr === 'UI') {
    remapUids(step, element, vr, keyword);
    return;
  }
  if (decision.option === 'retainLongitudinalModifiedDates' && isStringVR(vr)) {
    record(step, element, keyword, 'kept');
    return;
  }
  if (CLEANABLE_TEXT.has(vr)) {
    cleanText(step, element, vr, keyword);
    return;
  }
  if (isStringVR(vr)) {
    keep(step, element, vr, keyword, true);
    return;
  }
  const fallback = decision.basic ?? 'X';
  if (fallback === 'C' || fallback === 'K') remove(step, element, keyword);
  else apply(step, element, vr, keyword, { action: fallback, option: undefined, basic: fallback, weakens: false });
}

function cleanText(step: Step, element: DataElement, vr: VR, keyword: string): void {
  const values = readValues(step.dataset, element, vr, step.charsets);
  if (values.every((v) => v === '')) {
    record(step, element, keyword, 'kept');
    return;
  }
  const kind = keyword || formatTag(element.tag);
  const cleaned = values.map((v) => (v === '' ? '' : step.walk.pseudonymizer.text(kind, v, maxTextLength(vr))));
  writeValues(step.dataset, element, vr, cleaned, step.charsets);
  record(step, element, keyword, 'cleaned');
}

function remapUids(step: Step, element: DataElement, vr: VR, keyword: string): void {
  const { pseudonymizer } = step.walk;
  const values = readValues(step.dataset, element, vr, step.charsets);
  let changed = false;
  const mapped = values.map((v) => {
    if (v === '' || pseudonymizer.isWellKnownUid(v)) return v;
    changed = true;
    return pseudonymizer.uid(v);
  });
  if (!changed) {
    record(step, element, keyword, 'kept');
    return;
  }
  writeValues(step.dataset, element, vr, mapped, step.charsets);
  record(step, element, keyword, 'remapped');
}

function shiftDates(step: Step, element: DataElement, vr: 'DA' | 'DT', keyword: string): void {
  const { walk } = step;
  const values = readValues(step.dataset, element, vr, step.charsets);
  if (values.every((v) => v === '')) {
    record(step, element, keyword, 'kept');
    return;
  }
  walk.offset ??= walk.pseudonymizer.dateOffsetDays(walk.patientKey);
  let shifted: string;
  try {
    shifted = vr === 'DA' ? shiftDA(values.join('\\'), walk.offset) : shiftDT(values.join('\\'), walk.offset);
  } catch (error) {
    if (!(error instanceof MedVeilError)) throw error;
    // An unshiftable value must not go out as it is; the message names the path, not the value.
    walk.warnings.push(`${pathOf(step, element)}: invalid ${vr} value cannot be shifted; removed`);
    remove(step, element, keyword);
    return;
  }
  writeValues(step.dataset, element, vr, shifted.split('\\'), step.charsets);
  record(step, element, keyword, 'shifted');
}

function sequence(step: Step, element: DataElement, keyword: string, cleaning: boolean, action: DeidAction): void {
  const items = element.items;
  if (!items) {
    step.walk.warnings.push(`${pathOf(step, element)}: a sequence encoded as UN cannot be inspected; removed`);
    remove(step, element, keyword);
    return;
  }
  record(step, element, keyword, action);
  const base = pathOf(step, element);
  items.forEach((item, index) => deidentifyItem(item, `${base}[${index}]/`, cleaning, step.walk, false));
  if (items.some((item) => item.modified)) {
    // The element's recorded source bytes no longer describe its items. A standard sequence that
    // arrived as UN (PS3.5 6.2.2) is written back as the SQ that PS3.6 says it is.
    const vr = element.vr === 'UN' && lookupAttribute(element.tag)?.vr === 'SQ' ? 'SQ' : element.vr;
    const replacement: DataElement = element.undefinedLength === undefined
      ? { tag: element.tag, vr, items }
      : { tag: element.tag, vr, items, undefinedLength: element.undefinedLength };
    step.dataset.set(replacement);
  }
}
