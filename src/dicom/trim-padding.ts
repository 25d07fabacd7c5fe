/**
 * Removes the trailing NUL and space padding of a DICOM value (PS3.5 6.2) in linear time.
 * A regular expression such as /[\0 ]+$/ backtracks quadratically on a long run of padding
 * followed by anything else, which a hostile file turns into a hang.
 */
export function trimPaddingEnd(text: string): string {
  let end = text.length;
  while (end > 0) {
    const code = text.charCodeAt(end - 1);
    if (code !== 0x20 && code !== 0x00) break;
    end--;
  }
  return end === text.length ? text : text.slice(0, end);
}

/** Leading spaces, which are not significant outside LT, ST and UT (PS3.5 6.2). */
export function trimLeadingSpaces(text: string): string {
  let start = 0;
  while (start < text.length && text.charCodeAt(start) === 0x20) start++;
  return start === 0 ? text : text.slice(start);
}
