/**
 * The `masking` section of the server config: how masked views are made (docs/server.md).
 *
 * - `mosaicBlockByLevel`: the mosaic block, in pixels, for studies of each sensitivity level
 *   1 to 5. Every level mosaics: a masked response must hold no run of the stored pixel bytes
 *   (issue 5, acceptance 3), and a block of 1 would copy them, so the least is 2.
 * - `pixelRules`: a file of pixel rules (JSON or YAML, schema in docs/pixels.md) appended to the
 *   bundled ones; "" for the bundled rules alone. Read at start-up, so a mistake stops the server.
 * - `ocr`: the languages OCR reads burned-in text in before the mosaic (`eng`, `chi_sim`), or
 *   an empty list for the rules alone. The OCR workers start with the first masked frame.
 */
import { isAbsolute, resolve } from 'node:path';
import { SENSITIVITY_LEVELS, type SensitivityLevel } from '../access/sensitivity-level.js';
import { MedVeilError } from '../errors.js';
import { DEFAULT_MOSAIC_BLOCK_BY_LEVEL } from '../gateway/mask-instance-pixels.js';
import { MIN_MOSAIC_BLOCK } from '../pixels/mosaic.js';
import { defaultPixelRules, type PixelRule } from '../pixels/pixel-rules.js';
import { readPixelRulesFile } from '../pixels/read-pixel-rules-file.js';
import { isOcrLanguage, OCR_LANGUAGES, type OcrLanguage } from '../pixels/ocr-language.js';

/** The largest block: coarser than this is a flat image on any modality's matrix. */
const MAX_MOSAIC_BLOCK = 512;

export const MASKING_DEFAULT_CONFIG_TEXT = `masking:
  mosaicBlockByLevel:
${SENSITIVITY_LEVELS.map((level) => `    ${level}: ${DEFAULT_MOSAIC_BLOCK_BY_LEVEL[level]}`).join('\n')}
  pixelRules: ""
  ocr: [eng]
`;

export interface MaskingConfig {
  readonly mosaicBlockByLevel: Readonly<Record<SensitivityLevel, number>>;
  /** The rules file read, absolute, or undefined for the bundled rules alone. */
  readonly pixelRulesFile: string | undefined;
  /** The bundled rules, then the file's. */
  readonly pixelRules: readonly PixelRule[];
  /** OCR languages for text outside the rules' rectangles; empty for no OCR. */
  readonly ocrLanguages: readonly OcrLanguage[];
}

export function readMaskingConfig(section: Record<string, unknown>, baseDir: string, problem: (message: string) => MedVeilError): MaskingConfig {
  const blocks = section.mosaicBlockByLevel as Record<string, unknown>;
  const mosaicBlockByLevel = {} as Record<SensitivityLevel, number>;
  for (const level of SENSITIVITY_LEVELS) {
    const value = blocks[String(level)];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < MIN_MOSAIC_BLOCK || value > MAX_MOSAIC_BLOCK) {
      throw problem(`masking.mosaicBlockByLevel.${level} must be a whole number of pixels from ${MIN_MOSAIC_BLOCK} to ${MAX_MOSAIC_BLOCK} (every level is mosaicked; a block of 1 would serve the original pixels), got ${JSON.stringify(value)}`);
    }
    mosaicBlockByLevel[level] = value;
  }
  const ocr = section.ocr;
  if (!Array.isArray(ocr) || ocr.some((language) => !isOcrLanguage(language)) || new Set(ocr).size !== ocr.length) {
    throw problem(`masking.ocr must be a list of distinct OCR languages (${OCR_LANGUAGES.join(', ')}), or [] for the pixel rules alone; got ${JSON.stringify(ocr).slice(0, 80)}`);
  }
  const ocrLanguages = ocr as OcrLanguage[];
  const named = section.pixelRules;
  if (typeof named !== 'string') throw problem(`masking.pixelRules must be a file name, or "" for the bundled rules alone; got ${JSON.stringify(named)}`);
  if (named.trim() === '') return { mosaicBlockByLevel, pixelRulesFile: undefined, pixelRules: defaultPixelRules(), ocrLanguages };
  const path = isAbsolute(named) ? named : resolve(baseDir, named);
  try {
    return { mosaicBlockByLevel, pixelRulesFile: path, pixelRules: readPixelRulesFile(path, 'masking.pixelRules'), ocrLanguages };
  } catch (error) {
    throw error instanceof MedVeilError ? problem(error.message) : error;
  }
}
