/**
 * The DER `SM2Signature` of GM/T 0009-2012 7.3 to r || s, or undefined unless the encoding is
 * strict DER with 0 < r, s < 2^256. No Node built-ins: the browser's receipt verifier
 * (audit/receipt/verify-receipt-web.ts) reads SM2 signature lines with it too.
 */
export function decodeSm2Signature(der: Uint8Array): Uint8Array | undefined {
  if (der.length < 8 || der[0] !== 0x30 || der[1] !== der.length - 2) return undefined;
  const out = new Uint8Array(64);
  let at = 2;
  for (const half of [0, 1]) {
    if (der[at] !== 0x02) return undefined;
    const length = der[at + 1]!;
    const content = der.subarray(at + 2, at + 2 + length);
    if (length === 0 || length > 33 || content.length !== length) return undefined;
    if (content[0]! & 0x80) return undefined;
    if (content[0] === 0 && (length === 1 || !(content[1]! & 0x80))) return undefined;
    const magnitude = content[0] === 0 ? content.subarray(1) : content;
    if (magnitude.length > 32) return undefined;
    out.set(magnitude, half * 32 + 32 - magnitude.length);
    at += 2 + length;
  }
  return at === der.length ? out : undefined;
}
