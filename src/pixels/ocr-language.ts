/**
 * The languages MedVeil's OCR reads, each with its trained data from an npm package
 * (`@tesseract.js-data/<language>`). Apart from the OCR adapter so that configuration and flags
 * are checked without loading tesseract.js.
 */
export const OCR_LANGUAGES = ['eng', 'chi_sim'] as const;

export type OcrLanguage = (typeof OCR_LANGUAGES)[number];

export function isOcrLanguage(value: unknown): value is OcrLanguage {
  return typeof value === 'string' && (OCR_LANGUAGES as readonly string[]).includes(value);
}
