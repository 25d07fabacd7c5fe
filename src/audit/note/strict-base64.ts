/**
 * Standard base64 (RFC 4648 section 4) decoded strictly: padding required, no whitespace, no
 * non-zero trailing bits. Node's decoder skips anything it does not understand, which would let
 * two different texts decode to one hash; attacker-controlled text must have one reading.
 * Returns undefined instead of throwing so callers can name the field that was wrong.
 */
export function decodeBase64Strict(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) return undefined;
  return new Uint8Array(bytes);
}

export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
