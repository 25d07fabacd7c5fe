/**
 * A PNG encoder for 8-bit greyscale and RGB images (W3C PNG, Third Edition): the signature, IHDR
 * (colour type 0 or 2, bit depth 8, no interlace), one IDAT holding the zlib stream (RFC 1950) of
 * the scanlines, each with filter type 0 (None), or 2 (Up) when it repeats the row above, and IEND. Enough for rendered DICOM frames, which are
 * windowed to 8 bits before they get here; pure except for node:zlib's deflate.
 */
import { crc32, deflateSync } from 'node:zlib';

export interface GreyImage {
  readonly width: number;
  readonly height: number;
  /** width × height samples, row by row, top to bottom. */
  readonly samples: Uint8Array;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** PNG 11.2.1: width and height are 1 to 2^31 - 1. */
const MAX_DIMENSION = 2 ** 31 - 1;

export function encodeGreyPng(image: GreyImage): Buffer {
  return encodePng({ ...image, channels: 1 });
}

/**
 * An image of one (grey) or three (R, G, B) 8-bit samples per pixel, pixel by pixel.
 * `compressionLevel` is zlib's, 1 (fastest) to 9; zlib's default (6) unless given.
 */
export function encodePng(image: GreyImage & { readonly channels: 1 | 3 }, options: { compressionLevel?: number } = {}): Buffer {
  const { width, height, samples, channels } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > MAX_DIMENSION || height > MAX_DIMENSION) {
    throw new RangeError(`a PNG image is 1 to 2^31-1 pixels wide and high, not ${width} x ${height}`);
  }
  const rowLength = width * channels;
  if (samples.length !== rowLength * height) throw new RangeError(`${width} x ${height} x ${channels} needs ${rowLength * height} samples, not ${samples.length}`);
  const scanlines = Buffer.alloc((rowLength + 1) * height);
  const source = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  for (let row = 0; row < height; row++) {
    const start = row * rowLength;
    if (row > 0 && source.compare(source, start - rowLength, start, start, start + rowLength) === 0) {
      // A row like the one above (a mosaic's squares, flat backgrounds): filter type 2 (Up), whose
      // differences are all zero and deflate to almost nothing; Alloc left them zero.
      scanlines[row * (rowLength + 1)] = 2;
      continue;
    }
    // Filter type 0 (None): the byte stays 0 and the row is copied as it is.
    scanlines.set(source.subarray(start, start + rowLength), row * (rowLength + 1) + 1);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = channels === 1 ? 0 : 2; // colour type: greyscale or truecolour
  header[10] = 0; // compression method: deflate
  header[11] = 0; // filter method 0
  header[12] = 0; // no interlace
  return Buffer.concat([SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(scanlines, options.compressionLevel === undefined ? {} : { level: options.compressionLevel })), chunk('IEND', Buffer.alloc(0))]);
}

/** PNG 5.3: length, type, data, CRC-32 of type and data. */
function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
