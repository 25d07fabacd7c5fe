/** The engine and the pixel stage: what Patient Identity Removed, Burned In Annotation and the method codes say once pixels were (or were not) cleaned. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Dataset } from '../dicom/dataset.js';
import { Tag } from '../dicom/tag.js';
import { encodeNumbers } from '../dicom/values.js';
import { MedVeilError } from '../errors.js';
import { pixelStageRequired } from './assess-pixels.js';
import { type DeidOption, OPTION_CODE } from './options.js';
import type { PixelCleaning } from './pixel-cleaning.js';
import { createRecipe } from './recipe.js';
import { addSequence, run, stage } from './testing-deid-dataset.js';
test('the 0012 attributes list exactly the options applied, and Patient Identity Removed follows the pixels', () => {
  const cases: { options: DeidOption[]; pixels: boolean; known?: boolean; removed: string; temporal: string }[] = [
    { options: [], pixels: false, removed: 'YES', temporal: 'REMOVED' },
    { options: [], pixels: true, removed: 'NO', temporal: 'REMOVED' },
    { options: [], pixels: true, known: true, removed: 'YES', temporal: 'REMOVED' },
    { options: ['retainLongitudinalFullDates', 'retainUIDs'], pixels: false, removed: 'YES', temporal: 'UNMODIFIED' },
    { options: ['cleanDescriptors', 'retainLongitudinalModifiedDates', 'retainPatientCharacteristics', 'retainSafePrivate'],
      pixels: true, removed: 'NO', temporal: 'MODIFIED' },
    { options: ['cleanGraphics', 'cleanStructuredContent', 'retainDeviceIdentity', 'retainInstitutionIdentity'],
      pixels: false, removed: 'YES', temporal: 'REMOVED' },
  ];
  for (const c of cases) {
    const dataset = new Dataset();
    dataset.setString(Tag.PatientIdentityRemoved, 'YES');
    if (c.pixels) dataset.set({ tag: Tag.PixelData, vr: 'OW', value: new Uint8Array(8) });
    const report = run(dataset, { options: c.options, pixelsKnownClean: c.known ?? false });
    const what = JSON.stringify(c);
    assert.equal(dataset.getString(Tag.PatientIdentityRemoved), c.removed, what);
    assert.equal(dataset.getString(Tag.LongitudinalTemporalInformationModified), c.temporal, what);
    const codes = dataset.get(Tag.DeidentificationMethodCodeSequence)!.items!.map((i) => [
      i.getString(Tag.CodeValue), i.getString(Tag.CodingSchemeDesignator), i.getString(Tag.CodeMeaning),
    ]);
    const expected = [['113100', 'DCM', 'Basic Application Confidentiality Profile'],
      ...[...c.options].sort((a, b) => OPTION_CODE[a].value.localeCompare(OPTION_CODE[b].value)).map((o) => [OPTION_CODE[o].value, 'DCM', OPTION_CODE[o].meaning])];
    assert.deepEqual(codes, expected, what);
    assert.equal(report.patientIdentityRemoved, c.removed === 'YES');
    assert.ok(dataset.getStrings(Tag.DeidentificationMethod).length > 0);
  }
});

test('burned-in annotation or Clean Pixel Data without the pixel stage fails closed before anything changes', () => {
  const cases: { burned: string | undefined; options: DeidOption[]; cleaning?: PixelCleaning }[] = [
    { burned: 'YES', options: [] },
    { burned: 'NO', options: ['cleanPixelData'] },
    { burned: undefined, options: ['cleanRecognizableVisualFeatures'] },
    { burned: undefined, options: ['cleanRecognizableVisualFeatures', 'cleanPixelData'], cleaning: stage() },
    // The stage ran, but no rule matched the device and no text finder looked: the text the
    // modality announced is still there.
    { burned: 'YES', options: [], cleaning: stage({ rulesMatched: [], regionsPerFrame: [0] }) },
  ];
  for (const c of cases) {
    const dataset = new Dataset();
    dataset.setString(Tag.PatientName, 'DOE^JOHN');
    if (c.burned) dataset.setString(Tag.BurnedInAnnotation, c.burned);
    dataset.set({ tag: Tag.PixelData, vr: 'OW', value: new Uint8Array(8) });
    assert.throws(() => run(dataset, { options: c.options }, c.cleaning),
      (error: unknown) => error instanceof MedVeilError && error.code === 'deid' && !!error.hint, JSON.stringify(c));
    assert.equal(dataset.getString(Tag.PatientName), 'DOE^JOHN', 'nothing was touched');
  }
});

test('Patient Identity Removed is YES only after the pixel stage looked; Burned In Annotation becomes NO and 113101 is listed only then', () => {
  const cases: {
    name: string; pixels?: boolean; burned?: string; options?: DeidOption[]; known?: boolean; cleaning?: PixelCleaning;
    removed: string; burnedAfter: string | undefined; code113101: boolean; warning?: RegExp;
  }[] = [
    { name: 'burned in, a rule matched', burned: 'YES', cleaning: stage(), removed: 'YES', burnedAfter: 'NO', code113101: true },
    { name: 'asked, OCR looked and found nothing', options: ['cleanPixelData'], cleaning: stage({ rulesMatched: [], regionsPerFrame: [0, 0], textFinder: true }),
      removed: 'YES', burnedAfter: 'NO', code113101: true },
    { name: 'asked, nothing to look with', burned: 'NO', options: ['cleanPixelData'], cleaning: stage({ rulesMatched: [], regionsPerFrame: [0] }),
      removed: 'NO', burnedAfter: 'NO', code113101: false, warning: /^Clean Pixel Data not applied/ },
    { name: 'not asked, not burned in', removed: 'NO', burnedAfter: undefined, code113101: false, warning: /^pixels not verified clean/ },
    { name: 'the recipe vouches', burned: 'YES', options: ['cleanPixelData'], known: true, removed: 'YES', burnedAfter: 'YES', code113101: false,
      warning: /^Clean Pixel Data not applied/ },
    { name: 'no pixel data', pixels: false, options: ['cleanPixelData'], removed: 'YES', burnedAfter: undefined, code113101: false },
  ];
  for (const c of cases) {
    const dataset = new Dataset();
    if (c.burned !== undefined) dataset.setString(Tag.BurnedInAnnotation, c.burned);
    if (c.pixels !== false) dataset.set({ tag: Tag.PixelData, vr: 'OW', value: new Uint8Array(8) });
    const report = run(dataset, { options: c.options ?? [], pixelsKnownClean: c.known ?? false }, c.cleaning);
    const codes = dataset.get(Tag.DeidentificationMethodCodeSequence)!.items!.map((i) => i.getString(Tag.CodeValue));
    assert.equal(dataset.getString(Tag.PatientIdentityRemoved), c.removed, c.name);
    assert.equal(report.patientIdentityRemoved, c.removed === 'YES', c.name);
    assert.equal(dataset.getString(Tag.BurnedInAnnotation), c.burnedAfter, c.name);
    assert.equal(codes.includes('113101'), c.code113101, c.name);
    assert.equal(report.optionsApplied.includes('cleanPixelData'), c.code113101, c.name);
    if (c.warning) assert.ok(report.warnings.some((w) => c.warning!.test(w)), `${c.name}: ${report.warnings.join('; ')}`);
  }
});

test('the report says what the pixel stage did: rules, regions, overlays, icons and a change of transfer syntax', () => {
  const dataset = new Dataset();
  dataset.setString(Tag.BurnedInAnnotation, 'YES');
  dataset.set({ tag: Tag.PixelData, vr: 'OW', value: new Uint8Array(8) });
  const report = run(dataset, { options: ['cleanGraphics'] }, stage({
    regionsPerFrame: [0, 3, 1], framesWithHighBitsCleared: 2, overlayGroupsRemoved: [0x6000, 0x6002], iconSequencesRemoved: 1,
    transferSyntaxChanged: { from: '1.2.840.10008.1.2.4.50', to: '1.2.840.10008.1.2.1' },
  }));
  assert.equal(report.pixelRegions, 4);
  assert.deepEqual(report.pixelStage, {
    rulesMatched: ['Acme Sono header'], textFinder: false, regionsFilled: 4, framesFilled: 2, framesWithHighBitsCleared: 2,
    overlayGroupsRemoved: ['6000', '6002'], iconSequencesRemoved: 1,
    transferSyntaxChanged: { from: '1.2.840.10008.1.2.4.50', to: '1.2.840.10008.1.2.1' },
  });
  assert.ok(report.warnings.some((w) => w.startsWith('Clean Graphics: overlay planes were removed by the pixel stage')));
  assert.equal(run(new Dataset()).pixelStage, undefined, 'no stage, no section');
});

test('after the pixel stage, Clean Graphics still removes an overlay plane the stage did not reach (the stage cleans Pixel Data, not overlay bitmaps)', () => {
  const dataset = new Dataset();
  dataset.setString(Tag.BurnedInAnnotation, 'YES');
  dataset.set({ tag: Tag.PixelData, vr: 'OW', value: new Uint8Array(8) });
  dataset.set({ tag: 0x50003000, vr: 'OW', value: new Uint8Array(8) });
  addSequence(dataset, Tag.ReferencedImageSequence, (i) => {
    i.set({ tag: 0x60000010, vr: 'US', value: encodeNumbers([16], 'US') });
    i.set({ tag: 0x60003000, vr: 'OW', value: new Uint8Array(32) });
  });
  run(dataset, { options: ['cleanGraphics'] }, stage());
  const nested = dataset.get(Tag.ReferencedImageSequence)!.items![0]!;
  assert.equal(nested.has(0x60003000), false);
  assert.equal(nested.has(0x60000010), false);
  assert.equal(dataset.has(0x50003000), true, 'curves are the header engine\'s under Clean Graphics');
});

test('pixelStageRequired: only for pixel data the recipe does not vouch for, when Clean Pixel Data is asked or text is burned in', () => {
  const cases: { pixels: boolean; burned?: string; options?: DeidOption[]; known?: boolean; required: boolean }[] = [
    { pixels: true, burned: 'YES', required: true },
    { pixels: true, burned: ' yes', required: true },
    { pixels: true, options: ['cleanPixelData'], required: true },
    { pixels: true, burned: 'NO', required: false },
    { pixels: true, required: false },
    { pixels: true, burned: 'YES', options: ['cleanPixelData'], known: true, required: false },
    { pixels: false, burned: 'YES', options: ['cleanPixelData'], required: false },
  ];
  for (const c of cases) {
    const dataset = new Dataset();
    if (c.pixels) dataset.set({ tag: Tag.PixelData, vr: 'OW', value: new Uint8Array(8) });
    if (c.burned !== undefined) dataset.setString(Tag.BurnedInAnnotation, c.burned);
    assert.equal(pixelStageRequired(dataset, createRecipe({ options: c.options ?? [], pixelsKnownClean: c.known ?? false })), c.required, JSON.stringify(c));
  }
});
