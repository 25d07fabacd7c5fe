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

export interface ResponsePart {
  /** The part's Content-Type, with its parameters (`application/dicom; transfer-syntax=...`). */
  readonly contentType: string;
  readonly contentLocation?: string;
  readonly content: readonly Uint8Array[];
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

/** A whole body in chunks, the content never copied. */
export function multipartBody(boundary: string, parts: readonly ResponsePart[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (const part of parts) chunks.push(partHead(boundary, part), ...part.content, PART_TAIL);
  chunks.push(closingDelimiter(boundary));
  return chunks;
}
