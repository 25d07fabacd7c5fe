/**
 * Something the reader tolerated (STYLE.md rule 3: read leniently, collect warnings):
 * odd lengths, duplicate or unordered tags, a missing transfer syntax, trailing bytes...
 * `offset` is the byte offset in the buffer being parsed (the inflated one for deflated syntaxes).
 */
export interface ReadWarning {
  readonly offset: number;
  readonly tag?: number;
  readonly message: string;
}
