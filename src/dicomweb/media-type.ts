/**
 * Media types as HTTP carries them (RFC 9110 8.3.1): `type/subtype` and `;`-separated
 * parameters whose values are tokens or quoted strings. Type, subtype and parameter names are
 * case-insensitive and returned in lower case; parameter values keep their case (a boundary is
 * case-sensitive, RFC 2046 5.1.1). Attacker-controlled input: anything malformed is `undefined`.
 */

export interface MediaType {
  /** `multipart`, `application`, `*`... */
  readonly type: string;
  readonly subtype: string;
  /** Parameters by lower-case name; the first of a repeated name wins. */
  readonly parameters: ReadonlyMap<string, string>;
}

/** One element of an Accept header (RFC 9110 12.5.1), with its weight. */
export interface MediaRange extends MediaType {
  /** 0 to 1; 0 means "not acceptable". */
  readonly quality: number;
}

// RFC 9110 5.6.2: tchar.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const MAX_HEADER_LENGTH = 4096;

/** A Content-Type value, or undefined when it is not one. */
export function parseMediaType(text: string | undefined): MediaType | undefined {
  if (text === undefined || text.length > MAX_HEADER_LENGTH) return undefined;
  const elements = splitOutsideQuotes(text, ',');
  if (elements === undefined || elements.length !== 1) return undefined;
  return parseOne(elements[0]!);
}

/**
 * The media ranges of an Accept header, in the order given; an absent header accepts
 * everything (RFC 9110 12.5.1). Malformed elements make the whole header undefined.
 */
export function parseAccept(text: string | undefined): readonly MediaRange[] | undefined {
  if (text === undefined || text.trim() === '') return [{ type: '*', subtype: '*', parameters: new Map(), quality: 1 }];
  if (text.length > MAX_HEADER_LENGTH) return undefined;
  const elements = splitOutsideQuotes(text, ',');
  if (elements === undefined) return undefined;
  const ranges: MediaRange[] = [];
  for (const element of elements) {
    if (element.trim() === '') continue;
    const parsed = parseOne(element);
    if (parsed === undefined) return undefined;
    const q = parsed.parameters.get('q');
    const quality = q === undefined ? 1 : /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(q) ? Number(q) : NaN;
    if (Number.isNaN(quality)) return undefined;
    const parameters = new Map(parsed.parameters);
    parameters.delete('q');
    ranges.push({ ...parsed, parameters, quality });
  }
  return ranges;
}

/** Whether `range` (from an Accept header) covers the concrete `type/subtype`. */
export function rangeCovers(range: Pick<MediaType, 'type' | 'subtype'>, type: string, subtype: string): boolean {
  if (range.type === '*') return range.subtype === '*';
  return range.type === type && (range.subtype === '*' || range.subtype === subtype);
}

/** A parameter value as a header writes it: bare when a token, quoted otherwise (RFC 9110 5.6.6). */
export function parameterValue(value: string): string {
  return TOKEN.test(value) ? value : `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

function parseOne(element: string): MediaType | undefined {
  const parts = splitOutsideQuotes(element, ';');
  if (parts === undefined) return undefined;
  const [full, ...rest] = parts;
  const slash = full!.trim().split('/');
  if (slash.length !== 2 || !TOKEN.test(slash[0]!) || !TOKEN.test(slash[1]!)) return undefined;
  const parameters = new Map<string, string>();
  for (const part of rest) {
    const trimmed = part.trim();
    if (trimmed === '') continue;
    const at = trimmed.indexOf('=');
    if (at <= 0) return undefined;
    const name = trimmed.slice(0, at).trim().toLowerCase();
    const value = unquote(trimmed.slice(at + 1).trim());
    if (!TOKEN.test(name) || value === undefined) return undefined;
    if (!parameters.has(name)) parameters.set(name, value);
  }
  return { type: slash[0]!.toLowerCase(), subtype: slash[1]!.toLowerCase(), parameters };
}

function unquote(value: string): string | undefined {
  if (!value.startsWith('"')) return TOKEN.test(value) ? value : undefined;
  if (value.length < 2 || !value.endsWith('"')) return undefined;
  let out = '';
  for (let i = 1; i < value.length - 1; i++) {
    const c = value[i]!;
    if (c === '\\') {
      i++;
      if (i >= value.length - 1) return undefined;
      out += value[i];
    } else if (c === '"') {
      return undefined;
    } else {
      out += c;
    }
  }
  return out;
}

/** Splits on `separator` outside quoted strings; undefined for an unterminated quote. */
function splitOutsideQuotes(text: string, separator: string): string[] | undefined {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '\\' && i + 1 < text.length) {
      current += c + text[++i];
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === separator && !quoted) {
      out.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  if (quoted) return undefined;
  out.push(current);
  return out;
}
