/**
 * Rules that say where devices burn text into their images: a rule matches Manufacturer
 * (0008,0070), Manufacturer's Model Name (0008,1090), Modality (0008,0060) and the image size,
 * and names the rectangles to fill (see `pixel-region.ts`). The bundled rules live in
 * `default-pixel-rules.json`; users add their own file of the same schema. Text is compared
 * case-insensitively after trimming; a pattern starting or ending with `*` matches text ending
 * or starting with the rest (`*ACUSON*` anything containing ACUSON, as device names vary in
 * their prefixes and suffixes); a field a rule leaves out matches anything.
 *
 * Schema: `{ "rules": [ { "name", "source"?, "match": { "manufacturer"?, "model"?,
 * "modality"?, "rows"?, "columns"? }, "regions": [ { "left", "top", "width"?, "height"? } ] } ] }`
 * where each text field is a string or a list of strings (any of them matches) and `rows` and
 * `columns` are a number or `{ "min"?, "max"? }`.
 */
import type { Dataset } from '../dicom/dataset.js';
import { Tag } from '../dicom/tag.js';
import { MedVeilError } from '../errors.js';
import bundled from './default-pixel-rules.json' with { type: 'json' };
import type { PixelRegion } from './pixel-region.js';

export interface SizeRange {
  readonly min?: number;
  readonly max?: number;
}

export interface PixelRuleMatch {
  readonly manufacturer?: readonly string[];
  readonly model?: readonly string[];
  readonly modality?: readonly string[];
  readonly rows?: SizeRange;
  readonly columns?: SizeRange;
}

export interface PixelRule {
  readonly name: string;
  /** Where the fact comes from, or that the rule is generic. */
  readonly source?: string;
  readonly match: PixelRuleMatch;
  readonly regions: readonly PixelRegion[];
}

/** What a rule is matched against; text already trimmed and lower-cased. */
export interface ImageSignature {
  readonly manufacturer: string;
  readonly model: string;
  readonly modality: string;
  readonly rows: number;
  readonly columns: number;
}

const TEXT_FIELDS = ['manufacturer', 'model', 'modality'] as const;
const SIZE_FIELDS = ['rows', 'columns'] as const;
const REGION_FIELDS = ['left', 'top', 'width', 'height'] as const;

/**
 * Checks a parsed rules document (from JSON or YAML) and returns its rules. `origin` names the
 * file in errors; every error names the rule (by name, or by position when it has none) and field.
 */
export function parsePixelRules(document: unknown, origin: string): PixelRule[] {
  if (!isRecord(document) || !Array.isArray(document.rules)) throw rulesError(origin, 'the document needs a "rules" list');
  unknownKeys(document, ['rules'], origin, 'the document');
  const names = new Set<string>();
  return document.rules.map((raw, index) => {
    const label = isRecord(raw) && typeof raw.name === 'string' && raw.name.trim() !== '' ? `rule "${raw.name}"` : `rule ${index + 1}`;
    const fail = (field: string, problem: string): never => { throw rulesError(origin, `${label}, field "${field}": ${problem}`); };
    if (!isRecord(raw)) return fail('(rule)', 'a rule is an object');
    unknownKeys(raw, ['name', 'source', 'match', 'regions'], origin, label);
    if (typeof raw.name !== 'string' || raw.name.trim() === '') return fail('name', 'needs a non-empty name');
    const name = raw.name.trim();
    if (names.has(name.toLowerCase())) fail('name', 'another rule has the same name');
    names.add(name.toLowerCase());
    if (raw.source !== undefined && typeof raw.source !== 'string') fail('source', 'must be text');

    if (!isRecord(raw.match)) return fail('match', 'needs an object of conditions');
    unknownKeys(raw.match, [...TEXT_FIELDS, ...SIZE_FIELDS], origin, label);
    const match: Record<string, unknown> = {};
    for (const field of TEXT_FIELDS) {
      const value = raw.match[field];
      if (value === undefined) continue;
      const list = typeof value === 'string' ? [value] : value;
      if (!Array.isArray(list) || list.length === 0 || !list.every((item) => typeof item === 'string' && item.replaceAll('*', '').trim() !== '')) {
        fail(`match.${field}`, 'must be a non-empty text or a non-empty list of non-empty texts (a bare "*" is written by leaving the field out)');
      }
      match[field] = (list as string[]).map(normaliseText);
    }
    for (const field of SIZE_FIELDS) {
      const value = raw.match[field];
      if (value === undefined) continue;
      const range = typeof value === 'number' ? { min: value, max: value } : value;
      if (!isRecord(range)) return fail(`match.${field}`, 'must be a number or { "min", "max" }');
      unknownKeys(range, ['min', 'max'], origin, `${label}, field "match.${field}"`);
      for (const bound of ['min', 'max'] as const) {
        const n = range[bound];
        if (n !== undefined && (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1)) fail(`match.${field}.${bound}`, 'must be a whole number of at least 1');
      }
      if (typeof range.min === 'number' && typeof range.max === 'number' && range.min > range.max) fail(`match.${field}`, `min ${range.min} is above max ${range.max}`);
      match[field] = { ...(range.min !== undefined ? { min: range.min } : {}), ...(range.max !== undefined ? { max: range.max } : {}) };
    }

    if (!Array.isArray(raw.regions) || raw.regions.length === 0) return fail('regions', 'needs a non-empty list of rectangles');
    const regions = raw.regions.map((region, at): PixelRegion => {
      const field = `regions[${at}]`;
      if (!isRecord(region)) return fail(field, 'a rectangle is an object { "left", "top", "width"?, "height"? }');
      unknownKeys(region, REGION_FIELDS, origin, `${label}, field "${field}"`);
      for (const key of REGION_FIELDS) {
        const n = region[key];
        if (n === undefined && (key === 'width' || key === 'height')) continue;
        if (typeof n !== 'number' || !Number.isSafeInteger(n)) fail(`${field}.${key}`, 'must be a whole number');
        if ((key === 'width' || key === 'height') && (n as number) < 1) fail(`${field}.${key}`, 'must be at least 1 (leave it out to reach the edge)');
      }
      return region as unknown as PixelRegion;
    });
    return { name, ...(typeof raw.source === 'string' ? { source: raw.source } : {}), match: match as PixelRuleMatch, regions };
  });
}

/** The bundled rules; a user's rules are appended to them, and every matching rule applies. */
export function defaultPixelRules(): PixelRule[] {
  return parsePixelRules(bundled, 'default-pixel-rules.json');
}

export function imageSignature(dataset: Dataset, rows: number, columns: number): ImageSignature {
  return {
    manufacturer: normaliseText(dataset.getString(Tag.Manufacturer) ?? ''),
    model: normaliseText(dataset.getString(Tag.ManufacturerModelName) ?? ''),
    modality: normaliseText(dataset.getString(Tag.Modality) ?? ''),
    rows,
    columns,
  };
}

export function matchPixelRules(rules: readonly PixelRule[], signature: ImageSignature): PixelRule[] {
  return rules.filter(({ match }) =>
    TEXT_FIELDS.every((field) => match[field] === undefined || match[field].some((pattern) => matchesText(pattern, signature[field]))) &&
    SIZE_FIELDS.every((field) => inRange(match[field], signature[field])));
}

function matchesText(pattern: string, text: string): boolean {
  const anyBefore = pattern.startsWith('*');
  const anyAfter = pattern.length > 1 && pattern.endsWith('*');
  const core = pattern.slice(anyBefore ? 1 : 0, anyAfter ? -1 : undefined);
  if (anyBefore && anyAfter) return text.includes(core);
  if (anyBefore) return text.endsWith(core);
  if (anyAfter) return text.startsWith(core);
  return text === core;
}

function inRange(range: SizeRange | undefined, value: number): boolean {
  return range === undefined || ((range.min === undefined || value >= range.min) && (range.max === undefined || value <= range.max));
}

function normaliseText(text: string): string {
  return text.trim().toLowerCase();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A misspelt key would silently widen a rule to every image, so unknown keys are refused. */
function unknownKeys(record: Record<string, unknown>, known: readonly string[], origin: string, where: string): void {
  const unknown = Object.keys(record).filter((key) => !known.includes(key));
  if (unknown.length > 0) throw rulesError(origin, `${where}: unknown field(s) ${unknown.map((k) => `"${k}"`).join(', ')}; known are ${known.join(', ')}`);
}

function rulesError(origin: string, message: string): MedVeilError {
  return new MedVeilError('pixels', `pixel rules ${origin}: ${message}`, { hint: 'fix the rules file; its schema is described in docs/pixels.md' });
}
