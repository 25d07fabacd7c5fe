/**
 * 16-bit little-endian samples as a Uint16Array over the same memory, when the platform is
 * little endian and the bytes start on an even address: typed-array reads are several times
 * faster than DataView calls in the loops over every sample of a frame. Undefined otherwise, and
 * the caller reads byte by byte.
 */
const PLATFORM_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

export function littleEndianWords(bytes: Uint8Array): Uint16Array | undefined {
  if (!PLATFORM_LITTLE_ENDIAN || bytes.byteOffset % 2 !== 0) return undefined;
  return new Uint16Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.byteLength / 2));
}
