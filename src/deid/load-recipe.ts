/**
 * Reads a recipe from JSON or YAML text (JSON is read as YAML 1.2, of which it is a subset, so
 * both get line numbers). The shape:
 *
 *   name: research
 *   options: [retainLongitudinalModifiedDates, cleanDescriptors]
 *   pixelsKnownClean: false
 *   rules:
 *     - { keyword: PatientSex, action: K }
 *     - { tag: "(0010,0010)", action: Z }
 *     - { creator: SIEMENS CSA HEADER, element: "0x10", action: X }
 *   safePrivate:
 *     - { creator: SIEMENS MR HEADER, element: "0x0C", group: "0019" }
 *
 * Every mistake (unknown key, keyword, option or action, bad tag, malformed rule) is a
 * MedVeilError('recipe') naming the file and line; nothing is skipped (STYLE.md rule 1).
 */
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { LineCounter, type Node, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { repeatingPatternForKeyword, tagForKeyword } from '../dicom/dictionary.js';
import { formatTag, isPrivateTag, parseTag } from '../dicom/tag.js';
import { MedVeilError } from '../errors.js';
import { resolveCode } from './effective-action.js';
import { DEID_OPTIONS, type DeidOption, isDeidOption } from './options.js';
import { type Action, PROFILE_CODES, isProfileCode } from './profile.js';
import { type PatternRule, type Recipe, createRecipe } from './recipe.js';
import type { SafePrivateEntry } from './safe-private.js';

const TOP_LEVEL_KEYS = new Set(['name', 'description', 'options', 'pixelsKnownClean', 'rules', 'safePrivate']);
const RULE_KEYS = new Set(['keyword', 'tag', 'creator', 'element', 'action', 'comment']);
const SAFE_PRIVATE_KEYS = new Set(['creator', 'element', 'group', 'name', 'comment']);

/** The Basic Application Level Confidentiality Profile with no option and no override. */
export function basicRecipe(): Recipe {
  return createRecipe({ name: 'basic' });
}

/** Reads and parses a recipe file; the recipe is named after the file unless it says otherwise. */
export function loadRecipeFile(path: string): Recipe {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new MedVeilError('recipe', `cannot read recipe ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`, {
      cause: error,
      hint: 'check the path given to --recipe',
    });
  }
  return parseRecipe(text, { source: path, defaultName: basename(path, extname(path)) });
}

export interface ParseRecipeOptions {
  /** Named in error messages (a file path); default "recipe". */
  source?: string;
  defaultName?: string;
}

export function parseRecipe(text: string, options: ParseRecipeOptions = {}): Recipe {
  const source = options.source ?? 'recipe';
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const fail = (node: Node | undefined | null, message: string): MedVeilError => {
    const offset = node?.range?.[0];
    const line = offset === undefined ? 1 : lines.linePos(offset).line;
    return new MedVeilError('recipe', `${source}:${line}: ${message}`, { hint: 'fix the recipe and run the command again' });
  };
  const firstError = doc.errors[0];
  if (firstError) {
    const line = firstError.linePos?.[0].line ?? 1;
    throw new MedVeilError('recipe', `${source}:${line}: not valid YAML or JSON (${firstError.code})`, {
      hint: 'fix the recipe and run the command again',
    });
  }
  const root = doc.contents;
  if (!isMap(root)) throw fail(root, 'a recipe is a mapping with keys such as options and rules');

  let name = options.defaultName ?? 'recipe';
  let chosen: DeidOption[] = [];
  let pixelsKnownClean = false;
  const tagActions = new Map<number, Action>();
  const tagLines = new Map<number, number>();
  const patternActions: PatternRule[] = [];
  const privateActions: { creator: string; element: number; action: Action }[] = [];
  const privateLines = new Map<string, number>();
  const safePrivate: SafePrivateEntry[] = [];
  const lineOf = (node: Node): number => lines.linePos(node.range?.[0] ?? 0).line;

  for (const pair of root.items) {
    const keyNode = pair.key as Node;
    const key = isScalar(keyNode) ? String(keyNode.value) : '';
    const value = pair.value as Node | null;
    if (!TOP_LEVEL_KEYS.has(key)) throw fail(keyNode, `unknown key "${key}" (known: ${[...TOP_LEVEL_KEYS].join(', ')})`);
    switch (key) {
      case 'name':
        name = scalarString(value, 'name', fail);
        break;
      case 'description':
        scalarString(value, 'description', fail);
        break;
      case 'pixelsKnownClean':
        if (!isScalar(value) || typeof value.value !== 'boolean') throw fail(value ?? keyNode, 'pixelsKnownClean is true or false');
        pixelsKnownClean = value.value;
        break;
      case 'options':
        chosen = parseOptions(value ?? keyNode, fail);
        break;
      case 'rules': {
        if (!isSeq(value)) throw fail(value ?? keyNode, 'rules is a list of { keyword | tag | creator + element, action }');
        for (const item of value.items as Node[]) {
          const rule = readFields(item, RULE_KEYS, 'rule', fail);
          const action = parseAction(rule.get('action'), item, fail);
          const selectors = ['keyword', 'tag', 'creator'].filter((k) => rule.has(k));
          if (selectors.length !== 1) throw fail(item, 'a rule names exactly one of keyword, tag or creator (with element)');
          if (rule.has('element') !== rule.has('creator')) throw fail(item, 'element goes with creator, and creator needs an element');
          const at = lineOf(item);
          if (rule.has('creator')) {
            const creator = fieldString(rule.get('creator'), 'creator', fail);
            const element = parseElementByte(rule.get('element')!, fail);
            const key = `${creator}\u0000${element}`;
            const earlier = privateLines.get(key);
            if (earlier !== undefined) throw fail(item, `a second rule for creator "${creator}" element ${hexByte(element)} (first at line ${earlier})`);
            privateLines.set(key, at);
            privateActions.push({ creator, element, action });
            continue;
          }
          const tags = rule.has('keyword') ? parseKeyword(rule.get('keyword')!, fail) : [parseTagField(rule.get('tag')!, fail)];
          for (const target of tags) {
            if (typeof target !== 'number') {
              patternActions.push({ ...target, action });
              continue;
            }
            const earlier = tagLines.get(target);
            if (earlier !== undefined) throw fail(item, `a second rule for ${formatTag(target)} (first at line ${earlier})`);
            tagLines.set(target, at);
            tagActions.set(target, action);
          }
        }
        break;
      }
      case 'safePrivate': {
        if (!isSeq(value)) throw fail(value ?? keyNode, 'safePrivate is a list of { creator, element, group? }');
        for (const item of value.items as Node[]) {
          const entry = readFields(item, SAFE_PRIVATE_KEYS, 'safePrivate entry', fail);
          if (!entry.has('creator') || !entry.has('element')) throw fail(item, 'a safePrivate entry needs creator and element');
          const creator = fieldString(entry.get('creator'), 'creator', fail);
          const element = parseElementByte(entry.get('element')!, fail);
          const groupNode = entry.get('group');
          safePrivate.push(groupNode ? { creator, element, group: parseGroup(groupNode, fail) } : { creator, element });
        }
        break;
      }
      default:
        break;
    }
  }
  try {
    return createRecipe({ name, options: chosen, tagActions, patternActions, privateActions, safePrivate, pixelsKnownClean });
  } catch (error) {
    if (error instanceof MedVeilError) throw fail(root.items.find((p) => isScalar(p.key) && p.key.value === 'options')?.value as Node, error.message);
    throw error;
  }
}

type Fail = (node: Node | undefined | null, message: string) => MedVeilError;

function readFields(item: Node, allowed: ReadonlySet<string>, what: string, fail: Fail): Map<string, Node> {
  if (!isMap(item)) throw fail(item, `a ${what} is a mapping`);
  const fields = new Map<string, Node>();
  for (const pair of item.items) {
    const keyNode = pair.key as Node;
    const key = isScalar(keyNode) ? String(keyNode.value) : '';
    if (!allowed.has(key)) throw fail(keyNode, `unknown key "${key}" in a ${what} (known: ${[...allowed].join(', ')})`);
    if (pair.value === null || pair.value === undefined) throw fail(keyNode, `"${key}" has no value`);
    fields.set(key, pair.value as Node);
  }
  return fields;
}

function scalarString(node: Node | null, what: string, fail: Fail): string {
  if (!isScalar(node) || typeof node.value !== 'string' || node.value.trim() === '') throw fail(node, `${what} is a non-empty string`);
  return node.value.trim();
}

function fieldString(node: Node | undefined, what: string, fail: Fail): string {
  return scalarString(node ?? null, what, fail);
}

function parseOptions(node: Node, fail: Fail): DeidOption[] {
  if (!isSeq(node)) throw fail(node, 'options is a list of option names');
  const out: DeidOption[] = [];
  for (const item of node.items as Node[]) {
    const name = isScalar(item) && typeof item.value === 'string' ? item.value : undefined;
    if (name === undefined || !isDeidOption(name)) {
      throw fail(item, `unknown option ${JSON.stringify(isScalar(item) ? item.value : '?')} (known: ${DEID_OPTIONS.join(', ')})`);
    }
    if (out.includes(name)) throw fail(item, `option ${name} is listed twice`);
    out.push(name);
  }
  return out;
}

function parseAction(node: Node | undefined, item: Node, fail: Fail): Action {
  if (!node) throw fail(item, 'a rule needs an action');
  const text = isScalar(node) && typeof node.value === 'string' ? node.value.trim() : undefined;
  if (text === undefined || !isProfileCode(text)) {
    throw fail(node, `unknown action ${JSON.stringify(isScalar(node) ? node.value : '?')} (known: ${PROFILE_CODES.join(', ')})`);
  }
  return resolveCode(text);
}

function parseKeyword(node: Node, fail: Fail): (number | { value: number; mask: number })[] {
  const keyword = scalarString(node, 'keyword', fail);
  const tag = tagForKeyword(keyword);
  if (tag !== undefined) return [tag];
  const pattern = repeatingPatternForKeyword(keyword);
  if (pattern) return [pattern];
  throw fail(node, `unknown keyword "${keyword}" (PS3.6 keywords are case-sensitive, e.g. PatientName)`);
}

function parseTagField(node: Node, fail: Fail): number {
  const text = isScalar(node) ? String(node.value) : '';
  const tag = parseTag(text);
  if (tag === undefined) throw fail(node, `bad tag "${text}" (write it as "(0010,0010)")`);
  if (isPrivateTag(tag)) throw fail(node, `private tag ${formatTag(tag)}: name private elements by creator and element`);
  return tag;
}

/** "0x10" or 16: the low byte of (gggg,xxEE) within the creator's block. */
function parseElementByte(node: Node, fail: Fail): number {
  const raw = isScalar(node) ? node.value : undefined;
  let element: number | undefined;
  if (typeof raw === 'number') element = raw;
  else if (typeof raw === 'string' && /^0x[0-9a-f]{1,2}$/i.test(raw.trim())) element = parseInt(raw.trim().slice(2), 16);
  if (element === undefined || !Number.isInteger(element) || element < 0 || element > 0xff) {
    throw fail(node, `bad element ${JSON.stringify(raw)}: the element byte within the creator's block, "0x00" to "0xFF"`);
  }
  return element;
}

function parseGroup(node: Node, fail: Fail): number {
  const raw = isScalar(node) ? String(node.value).trim() : '';
  const group = /^(0x)?[0-9a-f]{4}$/i.test(raw) ? parseInt(raw.replace(/^0x/i, ''), 16) : NaN;
  if (!Number.isInteger(group) || (group & 1) !== 1 || group <= 0x0007) throw fail(node, `bad group "${raw}": an odd (private) group such as "0019"`);
  return group;
}

function hexByte(n: number): string {
  return `0x${n.toString(16).toUpperCase().padStart(2, '0')}`;
}
