/**
 * Bytes, base64 and SHA-256 for the browser's receipt verifier (verify-receipt-web.ts): only
 * globalThis.crypto.subtle, TextEncoder, atob and btoa, which browsers and Node 20 both have,
 * so the console can bundle this without Node built-ins.
 */

export const textEncoder = new TextEncoder();

export async function sha256Web(...parts: Uint8Array[]): Promise<Uint8Array> {
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', concatBytes(...parts)));
}

/** The parts joined in a new array over its own ArrayBuffer: the DOM typings of WebCrypto take no view of a SharedArrayBuffer. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Equal length and contents, looking at every byte whatever the first difference (no early exit). */
export function sameBytesWeb(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}

export function encodeBase64Web(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!);
  return btoa(binary);
}

/**
 * Standard base64 (RFC 4648 section 4) read strictly, as strict-base64.ts does on the server:
 * padding required, no whitespace, no non-zero trailing bits, so a text has one reading.
 */
export function decodeBase64StrictWeb(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return undefined;
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return encodeBase64Web(bytes) === text ? bytes : undefined;
}

export function hexWeb(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += bytes[i]!.toString(16).padStart(2, '0');
  return out;
}

/** The big-endian unsigned integer in `bytes` (at most 8 of them). */
export function readUintBE(bytes: Uint8Array): bigint {
  let value = 0n;
  for (let i = 0; i < bytes.length; i++) value = (value << 8n) | BigInt(bytes[i]!);
  return value;
}
