/** The part of jpeg-lossless-decoder-js (2.x) that MedVeil uses; the package ships no type declarations. */
declare module 'jpeg-lossless-decoder-js' {
  export class Decoder {
    /** Decodes one JPEG lossless frame; samples of `numBytes` bytes each, components pixel by pixel. */
    decode(buffer: ArrayBuffer, offset: number, length: number, numBytes: number): Uint8Array | Uint16Array;
  }
}
