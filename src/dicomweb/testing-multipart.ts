/**
 * Reads a multipart/related response in the tests of src/dicomweb (never imported by the
 * gateway), with the reader STOW-RS uses, so the two directions are checked against each other.
 */
import { parseMediaType } from './media-type.js';
import { type MultipartPart, MultipartRelatedReader } from './multipart-related-reader.js';

export function multipartParts(contentType: string | undefined, body: Buffer): MultipartPart[] {
  const boundary = parseMediaType(contentType)?.parameters.get('boundary');
  if (boundary === undefined) throw new Error(`not a multipart response: ${contentType}`);
  const reader = new MultipartRelatedReader(boundary, { maxParts: 100_000, maxPartBytes: 2 ** 31 - 1 });
  const step = reader.push(body);
  if (!step.ok) throw new Error(`malformed multipart response: ${step.message}`);
  const end = reader.finish();
  if (!end.ok) throw new Error(`malformed multipart response: ${end.message}`);
  return [...step.parts];
}
