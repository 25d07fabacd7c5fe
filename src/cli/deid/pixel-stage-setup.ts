/**
 * What `medveil deid` gives the pixel stage, built once per worker thread from the run's flags:
 * the bundled pixel rules followed by the user's file (`--pixel-rules`, JSON or YAML, schema in
 * docs/pixels.md), and the OCR text finder (`--ocr`), whose Tesseract worker lives in the
 * de-identification worker that calls it (a finder cannot cross threads). The main thread
 * checks both first (`checkPixelStage`), so a mistake in the rules or an OCR that cannot start
 * stops the run before any file is read.
 */
import { MedVeilError } from '../../errors.js';
import type { FindTextRegions } from '../../pixels/clean-pixels.js';
import { isOcrLanguage, OCR_LANGUAGES, type OcrLanguage } from '../../pixels/ocr-language.js';
import type { PixelRule } from '../../pixels/pixel-rules.js';

export interface PixelStageFlags {
  /** The user's pixel rules file, appended to the bundled rules. */
  readonly pixelRulesPath: string | undefined;
  /** OCR languages (`--ocr eng,chi_sim`); no OCR when undefined. */
  readonly ocrLanguages: readonly OcrLanguage[] | undefined;
}

export interface PixelStage {
  readonly options: { readonly pixelRules?: readonly PixelRule[]; readonly findTextRegions?: FindTextRegions };
  close(): Promise<void>;
}

export async function loadPixelRulesFile(path: string): Promise<PixelRule[]> {
  // The rules reader (and its YAML parser) loads only for a run that names a rules file.
  const { readPixelRulesFile } = await import('../../pixels/read-pixel-rules-file.js');
  return readPixelRulesFile(path, '--pixel-rules');
}

/** `eng,chi_sim` as a list of the languages MedVeil's OCR reads. */
export function parseOcrLanguages(text: string): OcrLanguage[] {
  const languages = [...new Set(text.split(',').map((language) => language.trim()).filter((language) => language !== ''))];
  if (languages.length === 0) throw new MedVeilError('usage', '--ocr needs at least one language', { hint: 'e.g. --ocr eng or --ocr eng,chi_sim' });
  const unknown = languages.find((language) => !isOcrLanguage(language));
  if (unknown !== undefined) throw new MedVeilError('usage', `--ocr: MedVeil has no OCR data for ${JSON.stringify(unknown).slice(0, 40)}`, { hint: `the languages are ${OCR_LANGUAGES.join(', ')}` });
  return languages as OcrLanguage[];
}

/** Loads the rules and starts (then ends) one OCR finder: whatever is wrong shows before any file is read. */
export async function checkPixelStage(flags: PixelStageFlags): Promise<void> {
  const stage = await loadPixelStage(flags);
  await stage.close();
}

export async function loadPixelStage(flags: PixelStageFlags): Promise<PixelStage> {
  const pixelRules = flags.pixelRulesPath === undefined ? undefined : await loadPixelRulesFile(flags.pixelRulesPath);
  const rules = pixelRules === undefined ? {} : { pixelRules };
  if (flags.ocrLanguages === undefined) return { options: rules, close: async () => undefined };
  // tesseract.js loads only for runs that ask for OCR.
  const { createOcrTextFinder } = await import('../../pixels/ocr-text-finder.js');
  // One Tesseract worker per de-identification worker: `--jobs` sets the parallelism of both.
  const finder = await createOcrTextFinder({ languages: flags.ocrLanguages, workers: 1 });
  return { options: { ...rules, findTextRegions: finder.findTextRegions }, close: () => finder.close() };
}
