/**
 * An incremental reader of multipart bodies (RFC 2046 5.1.1, as multipart/related uses them,
 * RFC 2387), for STOW-RS (PS3.18 8.6.1.2). It does no I/O: `push` takes the body as it arrives
 * and returns the parts it completed, so that a request is read one part at a time and never
 * held whole. Attacker-controlled input: every size is bounded and anything malformed is a
 * refusal, never a guess.
 *
 *   body      := preamble? dash-boundary padding CRLF part *(CRLF dash-boundary padding CRLF part)
 *                CRLF dash-boundary "--" epilogue?
 *   part      := header-lines CRLF content        (header-lines may be empty)
 *
 * The delimiter is CRLF "--" boundary; the first one may start the body without its CRLF.
 */

export interface MultipartLimits {
  /** The most parts one body may have. */
  readonly maxParts: number;
  /** The largest content of one part, in bytes. */
  readonly maxPartBytes: number;
  /** The largest header block of one part, in bytes. */
  readonly maxHeaderBytes?: number;
}

export interface MultipartPart {
  /** Header fields by lower-case name (the last of a repeated name wins). */
  readonly headers: ReadonlyMap<string, string>;
  readonly body: Buffer;
}

export type MultipartProblem = 'malformed' | 'too-many-parts' | 'part-too-large';

export type MultipartStep =
  | { readonly ok: true; readonly parts: readonly MultipartPart[]; readonly done: boolean }
  | { readonly ok: false; readonly problem: MultipartProblem; readonly message: string };

type State = 'preamble' | 'delimiter-line' | 'headers' | 'content' | 'epilogue' | 'refused';

const CRLF = Buffer.from('\r\n', 'latin1');
const HEADER_END = Buffer.from('\r\n\r\n', 'latin1');
const DEFAULT_MAX_HEADER_BYTES = 16 * 1024;
const MAX_HEADER_FIELDS = 32;
/** Transport padding (RFC 2046 5.1.1) longer than this is not padding. */
const MAX_DELIMITER_LINE = 256;

// RFC 2046 5.1.1: bchars, 1 to 70 of them, the last not a space.
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;

/** Whether `boundary` is one RFC 2046 allows. */
export function isValidBoundary(boundary: string): boolean {
  return BOUNDARY.test(boundary);
}

export class MultipartRelatedReader {
  readonly #delimiter: Buffer;
  readonly #limits: Required<MultipartLimits>;
  #state: State = 'preamble';
  // The virtual CRLF lets the first delimiter start the body.
  #buffer: Buffer = Buffer.from(CRLF);
  #headers: Map<string, string> = new Map();
  #content: Buffer[] = [];
  #contentBytes = 0;
  #parts = 0;

  constructor(boundary: string, limits: MultipartLimits) {
    if (!isValidBoundary(boundary)) throw new RangeError('the boundary is not one RFC 2046 allows; check it with isValidBoundary first');
    this.#delimiter = Buffer.from(`\r\n--${boundary}`, 'latin1');
    this.#limits = { maxHeaderBytes: DEFAULT_MAX_HEADER_BYTES, ...limits };
  }

  /** Reads the next bytes of the body; returns the parts completed by them. */
  push(chunk: Uint8Array): MultipartStep {
    if (this.#state === 'refused') return this.#refuse('malformed', 'the body was already refused');
    if (this.#state === 'epilogue') return { ok: true, parts: [], done: true };
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.#buffer = this.#buffer.length === 0 ? bytes : Buffer.concat([this.#buffer, bytes]);
    const parts: MultipartPart[] = [];
    for (;;) {
      const step = this.#advance(parts);
      if (step === 'wait') return { ok: true, parts, done: false };
      if (step === 'done') return { ok: true, parts, done: true };
      if (step !== 'next') return step;
    }
  }

  /** The end of the body: a refusal unless the closing delimiter was read. */
  finish(): MultipartStep {
    if (this.#state === 'epilogue') return { ok: true, parts: [], done: true };
    if (this.#state === 'refused') return this.#refuse('malformed', 'the body was already refused');
    return this.#refuse('malformed', this.#parts === 0 && this.#state === 'preamble'
      ? 'the body has no part: no delimiter with the boundary of the Content-Type was found'
      : 'the body ends before the closing delimiter (--boundary--)');
  }

  #advance(parts: MultipartPart[]): 'wait' | 'next' | 'done' | MultipartStep {
    const buffer = this.#buffer;
    switch (this.#state) {
      case 'preamble': {
        const at = buffer.indexOf(this.#delimiter);
        if (at < 0) {
          this.#buffer = buffer.subarray(Math.max(0, buffer.length - (this.#delimiter.length - 1)));
          return 'wait';
        }
        this.#buffer = buffer.subarray(at + this.#delimiter.length);
        this.#state = 'delimiter-line';
        return 'next';
      }
      case 'delimiter-line': {
        if (buffer.length < 2) return 'wait';
        if (buffer[0] === 0x2d && buffer[1] === 0x2d) {
          this.#state = 'epilogue';
          this.#buffer = Buffer.alloc(0);
          return 'done';
        }
        const end = buffer.indexOf(CRLF);
        if (end < 0) return buffer.length > MAX_DELIMITER_LINE ? this.#refuse('malformed', 'a delimiter line does not end') : 'wait';
        if (!/^[ \t]*$/.test(buffer.toString('latin1', 0, end))) {
          return this.#refuse('malformed', 'a line starts with the boundary but is not a delimiter (RFC 2046 5.1.1: only padding may follow it)');
        }
        if (this.#parts === this.#limits.maxParts) return this.#refuse('too-many-parts', `the body has more than ${this.#limits.maxParts} parts`);
        this.#parts++;
        this.#buffer = buffer.subarray(end + 2);
        this.#state = 'headers';
        return 'next';
      }
      case 'headers': {
        if (buffer.length < 2) return 'wait';
        let headerBlock: string;
        if (buffer[0] === 0x0d && buffer[1] === 0x0a) {
          headerBlock = '';
          this.#buffer = buffer.subarray(2);
        } else {
          const end = buffer.indexOf(HEADER_END);
          if (end < 0 || end > this.#limits.maxHeaderBytes) {
            return end < 0 && buffer.length <= this.#limits.maxHeaderBytes ? 'wait' : this.#refuse('malformed', `the headers of part ${this.#parts} are longer than ${this.#limits.maxHeaderBytes} bytes`);
          }
          headerBlock = buffer.toString('latin1', 0, end);
          this.#buffer = buffer.subarray(end + HEADER_END.length);
        }
        const headers = parseHeaderBlock(headerBlock);
        if (headers === undefined) return this.#refuse('malformed', `the headers of part ${this.#parts} are malformed`);
        this.#headers = headers;
        this.#content = [];
        this.#contentBytes = 0;
        this.#state = 'content';
        return 'next';
      }
      case 'content': {
        const at = buffer.indexOf(this.#delimiter);
        const usable = at < 0 ? Math.max(0, buffer.length - (this.#delimiter.length - 1)) : at;
        if (usable > 0) {
          this.#content.push(buffer.subarray(0, usable));
          this.#contentBytes += usable;
        }
        if (this.#contentBytes > this.#limits.maxPartBytes) {
          return this.#refuse('part-too-large', `part ${this.#parts} is larger than ${this.#limits.maxPartBytes} bytes`);
        }
        if (at < 0) {
          this.#buffer = buffer.subarray(usable);
          return 'wait';
        }
        parts.push({ headers: this.#headers, body: this.#content.length === 1 ? this.#content[0]! : Buffer.concat(this.#content, this.#contentBytes) });
        this.#content = [];
        this.#buffer = buffer.subarray(at + this.#delimiter.length);
        this.#state = 'delimiter-line';
        return 'next';
      }
      case 'epilogue':
        return 'done';
      case 'refused':
        return this.#refuse('malformed', 'the body was already refused');
    }
  }

  #refuse(problem: MultipartProblem, message: string): MultipartStep {
    this.#state = 'refused';
    this.#buffer = Buffer.alloc(0);
    this.#content = [];
    return { ok: false, problem, message };
  }
}

/** RFC 5322 2.2 header fields, as RFC 2045 uses them in a part; folded lines are refused (RFC 7230 3.2.4). */
function parseHeaderBlock(block: string): Map<string, string> | undefined {
  const headers = new Map<string, string>();
  if (block === '') return headers;
  const lines = block.split('\r\n');
  if (lines.length > MAX_HEADER_FIELDS) return undefined;
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) return undefined;
    const name = line.slice(0, colon);
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) return undefined;
    const value = line.slice(colon + 1).trim();
    if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(value)) return undefined;
    headers.set(name.toLowerCase(), value);
  }
  return headers;
}
