/**
 * A graphic character set as ISO/IEC 2022 sees it: a table that an escape sequence designates
 * into the G0 or G1 register (PS3.5 6.1.2.5, PS3.3 C.12.1.1.2).
 *
 * Codes are in 7-bit form whatever the register: 0x21-0x7E for a 94-set, 0x20-0x7F for a
 * 96-set, and (first << 8) | second with both bytes in 0x21-0x7E for a 94x94-set. A set in G0
 * is sent as these bytes (GL); a set in G1 is sent with the high bit of every byte set (GR).
 */
export interface CodeElement {
  /** The registration and common name, for messages: "ISO-IR 87 (JIS X 0208)". */
  readonly name: string;
  readonly bytesPerChar: 1 | 2;
  /** The character of a code, or undefined when the code is unassigned. */
  decode(code: number): string | undefined;
  /** The code of one character (one code point), or undefined when the set lacks it. */
  encode(char: string): number | undefined;
}

/**
 * A code element backed by a code→character table, built on first use. When two codes map to
 * the same character the lower code is the one written, so decoding then encoding is exact for
 * every code a table maps one to one. `aliases` are characters accepted when writing only.
 */
export function tableCodeElement(
  name: string,
  bytesPerChar: 1 | 2,
  buildTable: () => ReadonlyMap<number, string>,
  aliases: ReadonlyMap<string, number> = new Map(),
): CodeElement {
  let forward: ReadonlyMap<number, string> | undefined;
  let reverse: Map<string, number> | undefined;
  const table = (): ReadonlyMap<number, string> => (forward ??= buildTable());
  return {
    name,
    bytesPerChar,
    decode: (code) => table().get(code),
    encode(char) {
      if (!reverse) {
        reverse = new Map();
        for (const [code, text] of table()) if (!reverse.has(text)) reverse.set(text, code);
        for (const [text, code] of aliases) if (!reverse.has(text)) reverse.set(text, code);
      }
      return reverse.get(char);
    },
  };
}
