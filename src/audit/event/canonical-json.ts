import { MedVeilError } from '../../errors.js';

/**
 * The JSON Canonicalization Scheme, RFC 8785: no whitespace; object members sorted by the
 * UTF-16 code units of their names (3.2.3), which is what `Array.prototype.sort` compares;
 * strings and numbers serialized as ECMAScript's JSON.stringify does (3.2.2.2, 3.2.2.3).
 * Input must be I-JSON (RFC 7493): finite numbers only, no lone surrogates, no duplicate
 * names (impossible in a JS object). Throws MedVeilError('audit') on anything else,
 * including `undefined`, functions, bigints and objects that are not plain.
 */
export function canonicalJson(value: unknown): string {
  // Fast path: copy objects with members inserted in sorted order and let the native
  // JSON.stringify write them, which for valid input produces exactly the RFC 8785 text.
  // Engines list integer-like member names first whatever the insertion order, so such a
  // name sends the value down the slow path, which sorts as the RFC says.
  const sorted = sortedCopy(value);
  return sorted === SLOW_PATH ? write(value, undefined, '$') : JSON.stringify(sorted);
}

const SLOW_PATH = Symbol('slow path');
const INTEGER_LIKE = /^(0|[1-9][0-9]*)$/;

function sortedCopy(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
      return isWellFormed(value) ? value : SLOW_PATH;
    case 'number':
      return Number.isFinite(value) ? value : SLOW_PATH;
    case 'boolean':
      return value;
    case 'object':
      break;
    default:
      return SLOW_PATH;
  }
  if (value === null) return null;
  if (Array.isArray(value)) {
    const copy = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      const item = sortedCopy(value[i]);
      if (item === SLOW_PATH) return SLOW_PATH;
      copy[i] = item;
    }
    return copy;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return SLOW_PATH;
  const record = value as Record<string, unknown>;
  const names = Object.keys(record).sort();
  const copy: Record<string, unknown> = {};
  for (const name of names) {
    if (!isWellFormed(name) || INTEGER_LIKE.test(name)) return SLOW_PATH;
    const member = sortedCopy(record[name]);
    if (member === SLOW_PATH) return SLOW_PATH;
    copy[name] = member;
  }
  return copy;
}

// String.prototype.isWellFormed (ES2024, in Node 20) is false exactly when a lone surrogate is present.
const isWellFormed = (text: string): boolean => (text as unknown as { isWellFormed(): boolean }).isWellFormed();

/** Where a value sits, built only when an error needs it: the parent's location and the key. */
interface Location {
  parent: Location | undefined;
  key: string | number;
}

function locate(parent: Location | undefined, key: string | number): string {
  const here = typeof key === 'number' ? `[${key}]` : parent === undefined ? key : `.${key}`;
  return parent === undefined ? here : locate(parent.parent, parent.key) + here;
}

function reject(parent: Location | undefined, key: string | number, why: string): never {
  throw new MedVeilError('audit', `cannot canonicalize ${locate(parent, key)}: ${why}`);
}

function writeString(text: string, parent: Location | undefined, key: string | number): string {
  if (!isWellFormed(text)) reject(parent, key, 'string holds a lone surrogate (not I-JSON, RFC 7493 2.1)');
  return JSON.stringify(text);
}

function write(value: unknown, parent: Location | undefined, key: string | number): string {
  switch (typeof value) {
    case 'string':
      return writeString(value, parent, key);
    case 'number':
      if (!Number.isFinite(value)) reject(parent, key, `${value} is not a JSON number`);
      // ES Number-to-String, as RFC 8785 3.2.2.3 requires; -0 becomes "0".
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    default:
      reject(parent, key, `a ${typeof value} has no JSON form`);
  }
  if (value === null) return 'null';
  const here: Location = { parent, key };
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i > 0 ? ',' : '') + write(value[i], here, i);
    return `${out}]`;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) reject(parent, key, 'only plain objects have a JSON form');
  const record = value as Record<string, unknown>;
  const names = Object.keys(record).sort();
  let out = '{';
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    out += `${i > 0 ? ',' : ''}${writeString(name, here, name)}:${write(record[name], here, name)}`;
  }
  return `${out}}`;
}
