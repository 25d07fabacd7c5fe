/**
 * Multipart/related response bodies (RFC 2387, PS3.18 8.6.1.2): each part is a delimiter line,
 * its header fields, an empty line and its content; the body ends with the closing delimiter.
 *
 *   --boundary CRLF Content-Type: t CRLF [Content-Location: u CRLF] CRLF content CRLF
 *   ... --boundary-- CRLF
 *
 * The boundary is random (RFC 2046 5.1.1 asks that it not occur in any content): 144 bits, so
 * a DICOM object that happens to hold it is not a practical concern.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';

export interface ResponsePart {
  /** The part's Content-Type, with its parameters (`application/dicom; transfer-syntax=...`). */
  readonly contentType: string;
  readonly contentLocation?: string;
  /** The content in chunks, or as a stream of exactly `size` bytes (a stored object as it verifies). */
  readonly content: readonly Uint8Array[] | StreamedContent;
}

export interface StreamedContent {
  readonly stream: Readable;
  readonly size: number;
}

export function newBoundary(): string {
  return `medveil-${randomBytes(18).toString('base64url')}`;
}

/** The Content-Type of the whole response: `multipart/related; type="..."; boundary=...`. */
export function multipartContentType(type: string, boundary: string): string {
  return `multipart/related; type="${type}"; boundary=${boundary}`;
}

/** The bytes before a part's content. */
export function partHead(boundary: string, part: Omit<ResponsePart, 'content'>): Buffer {
  const location = part.contentLocation === undefined ? '' : `Content-Location: ${part.contentLocation}\r\n`;
  return Buffer.from(`--${boundary}\r\nContent-Type: ${part.contentType}\r\n${location}\r\n`, 'latin1');
}

/** The bytes after a part's content. */
export const PART_TAIL = Buffer.from('\r\n', 'latin1');

/** The closing delimiter. */
export function closingDelimiter(boundary: string): Buffer {
  return Buffer.from(`--${boundary}--\r\n`, 'latin1');
}

/**
 * A whole body as a stream of its delimiters and the parts' own chunks, so that no content is
 * copied into a joined buffer. A streamed part's error ends the body with that error, which the
 * HTTP layer turns into an aborted response; a body closed early (a client gone) destroys the
 * streams of the parts it did not finish.
 */
export function multipartStream(boundary: string, parts: readonly ResponsePart[] | AsyncIterable<ResponsePart>): Readable {
  const unfinished = new Set<Readable>();
  const track = (part: ResponsePart) => {
    if (isStreamed(part.content)) unfinished.add(part.content.stream);
  };
  if (Array.isArray(parts)) parts.forEach(track);
  async function* chunks(): AsyncGenerator<Uint8Array> {
    for await (const part of parts) {
      track(part);
      yield partHead(boundary, part);
      if (isStreamed(part.content)) {
        yield* part.content.stream;
        unfinished.delete(part.content.stream);
      } else yield* part.content;
      yield PART_TAIL;
    }
    yield closingDelimiter(boundary);
  }
  const body = Readable.from(chunks(), { objectMode: false });
  body.once('close', () => {
    for (const stream of unfinished) stream.destroy();
  });
  return body;
}

/** A whole body of parts held in memory, in chunks, the content never copied. */
export function multipartBody(boundary: string, parts: readonly (ResponsePart & { readonly content: readonly Uint8Array[] })[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (const part of parts) chunks.push(partHead(boundary, part), ...part.content, PART_TAIL);
  chunks.push(closingDelimiter(boundary));
  return chunks;
}

/** The length of the body multipartStream() writes for `parts`, for its Content-Length. */
export function multipartLength(boundary: string, parts: readonly ResponsePart[]): number {
  let length = closingDelimiter(boundary).length;
  for (const part of parts) {
    const content = isStreamed(part.content) ? part.content.size : part.content.reduce((sum, chunk) => sum + chunk.length, 0);
    length += partHead(boundary, part).length + content + PART_TAIL.length;
  }
  return length;
}

function isStreamed(content: ResponsePart['content']): content is StreamedContent {
  return 'stream' in content;
}
