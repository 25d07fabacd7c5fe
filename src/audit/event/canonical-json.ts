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
  const out: string[] = [];
  write(value, out, '$');
  return out.join('');
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function reject(path: string, why: string): never {
  throw new MedVeilError('audit', `cannot canonicalize ${path}: ${why}`);
}

function writeString(text: string, out: string[], path: string): void {
  if (LONE_SURROGATE.test(text)) reject(path, 'string holds a lone surrogate (not I-JSON, RFC 7493 2.1)');
  out.push(JSON.stringify(text));
}

function write(value: unknown, out: string[], path: string): void {
  switch (typeof value) {
    case 'string':
      writeString(value, out, path);
      return;
    case 'number':
      if (!Number.isFinite(value)) reject(path, `${value} is not a JSON number`);
      // ES Number-to-String, as RFC 8785 3.2.2.3 requires; -0 becomes "0".
      out.push(JSON.stringify(value));
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'object':
      break;
    default:
      reject(path, `a ${typeof value} has no JSON form`);
  }
  if (value === null) {
    out.push('null');
    return;
  }
  if (Array.isArray(value)) {
    out.push('[');
    value.forEach((item, i) => {
      if (i > 0) out.push(',');
      write(item, out, `${path}[${i}]`);
    });
    out.push(']');
    return;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) reject(path, 'only plain objects have a JSON form');
  const record = value as Record<string, unknown>;
  const names = Object.keys(record).sort();
  out.push('{');
  names.forEach((name, i) => {
    if (i > 0) out.push(',');
    writeString(name, out, `${path}.${name}`);
    out.push(':');
    write(record[name], out, `${path}.${name}`);
  });
  out.push('}');
}
