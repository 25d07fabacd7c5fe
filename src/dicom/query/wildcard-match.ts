/**
 * Wild Card Matching (PS3.4 C.2.2.2.4): "*" matches any sequence of characters, including none,
 * and "?" matches exactly one character. Characters are Unicode code points, so "?" matches one
 * ideographic character as it does one Latin letter.
 *
 * Greedy with a single backtrack point: time is O(pattern × text) in the worst case and memory
 * is constant, where a regular expression built from the pattern can backtrack exponentially on
 * a hostile one such as "*a*a*a*a*a*b".
 */
export function wildcardMatches(pattern: string, text: string): boolean {
  const p = Array.from(pattern);
  const t = Array.from(text);
  let pi = 0;
  let ti = 0;
  let star = -1;
  let resume = 0;
  while (ti < t.length) {
    const symbol = p[pi];
    if (symbol === '*') {
      star = pi++;
      resume = ti;
    } else if (symbol !== undefined && (symbol === '?' || symbol === t[ti])) {
      pi++;
      ti++;
    } else if (star >= 0) {
      pi = star + 1;
      ti = ++resume;
    } else {
      return false;
    }
  }
  while (p[pi] === '*') pi++;
  return pi === p.length;
}

/** Whether a value asks for Wild Card Matching (PS3.4 C.2.2.2.4). */
export function hasWildcard(value: string): boolean {
  return value.includes('*') || value.includes('?');
}
