import { sm3 as sm3Hex } from 'sm-crypto-v2';

/**
 * SM3 (GB/T 32905-2016, GM/T 0004-2012) of `data`, 32 bytes. A string is hashed as its UTF-8
 * bytes. The library returns hex; converting once here keeps every caller on bytes.
 */
export function sm3(data: Uint8Array | string): Uint8Array {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  return new Uint8Array(Buffer.from(sm3Hex(bytes), 'hex'));
}
