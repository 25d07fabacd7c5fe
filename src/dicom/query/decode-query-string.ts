import { MedVeilError } from '../../errors.js';

/** The most parameters one query string may carry; a search needs a few dozen at most. */
export const MAX_QUERY_PARAMETERS = 100;
/** The longest query string accepted, in characters before decoding. */
export const MAX_QUERY_STRING_LENGTH = 65_536;

/**
 * Splits a URI query (the part after "?", RFC 3986 3.4) into decoded name/value pairs, strictly:
 * "+" stays "+" (it is a space only in HTML forms, and a DT value may carry "+0100"), a "%" not
 * followed by two hex digits or bytes that are not UTF-8 are refused, and a pair without "=" is
 * a name with an empty value. Decoded once: "%252A" is the three characters "%2A", never "*".
 */
export function decodeQueryString(query: string): Array<[string, string]> {
  if (query.length > MAX_QUERY_STRING_LENGTH) {
    throw new MedVeilError('http', `the query string is longer than ${MAX_QUERY_STRING_LENGTH} characters`);
  }
  if (query === '') return [];
  const parts = query.split('&');
  if (parts.length > MAX_QUERY_PARAMETERS) {
    throw new MedVeilError('http', `the query has more than ${MAX_QUERY_PARAMETERS} parameters`);
  }
  const pairs: Array<[string, string]> = [];
  for (const part of parts) {
    if (part === '') continue;
    const at = part.indexOf('=');
    const name = decodeComponent(at < 0 ? part : part.slice(0, at), 'a parameter name');
    const value = decodeComponent(at < 0 ? '' : part.slice(at + 1), `the value of parameter ${quoteName(name)}`);
    pairs.push([name, value]);
  }
  return pairs;
}

function decodeComponent(text: string, what: string): string {
  if (/%(?![0-9A-Fa-f]{2})/.test(text)) throw new MedVeilError('http', `${what} has a "%" that is not followed by two hex digits`);
  try {
    return decodeURIComponent(text);
  } catch (cause) {
    throw new MedVeilError('http', `${what} is not percent-encoded UTF-8`, { cause });
  }
}

/** A parameter name for a message: quoted, control characters escaped, at most 64 characters. */
export function quoteName(name: string): string {
  const shown = name.length > 64 ? `${name.slice(0, 64)}…` : name;
  return JSON.stringify(shown);
}
