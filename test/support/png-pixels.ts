/**
 * Screenshots as pixels: a PNG decoder for what Chromium writes (8 bits per sample, no
 * interlace; grey, grey+alpha, RGB or RGBA; PNG spec, ISO/IEC 15948, sections 6-9), and the
 * box around the pixels in which two screenshots differ.
 */
import { inflateSync } from 'node:zlib';

export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  /** Four bytes a pixel, rows top to bottom. */
  readonly rgba: Uint8Array;
}

/** A box in image pixels, right and bottom exclusive. */
export interface PixelBox {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Samples per pixel by colour type (PNG 11.2.2 IHDR). */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

export function decodePng(png: Uint8Array): RgbaImage {
  const bytes = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (!bytes.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG file');
  let width = 0, height = 0, channels = 0;
  const data: Buffer[] = [];
  for (let at = 8; at < bytes.length; ) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    const body = bytes.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const [depth, colourType, , , interlace] = body.subarray(8, 13);
      channels = CHANNELS[colourType!] ?? 0;
      if (depth !== 8 || channels === 0 || interlace !== 0) throw new Error(`PNG of depth ${depth}, colour type ${colourType}, interlace ${interlace}: not decoded here`);
    } else if (type === 'IDAT') data.push(body);
    else if (type === 'IEND') break;
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(data));
  const stride = width * channels;
  const samples = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? samples[out + x - channels]! : 0;
      const b = y > 0 ? samples[out - stride + x]! : 0;
      const c = x >= channels && y > 0 ? samples[out - stride + x - channels]! : 0;
      samples[out + x] = (line[x]! + unfilter(filter, a, b, c)) & 0xff;
    }
  }
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const s = samples.subarray(i * channels, (i + 1) * channels);
    const [r, g, b, alpha] = channels === 1 ? [s[0]!, s[0]!, s[0]!, 255] : channels === 2 ? [s[0]!, s[0]!, s[0]!, s[1]!] : [s[0]!, s[1]!, s[2]!, channels === 4 ? s[3]! : 255];
    rgba.set([r, g, b, alpha], i * 4);
  }
  return { width, height, rgba };
}

/** The predictor to add back for filter type `filter` (PNG 9.2), from left `a`, above `b`, upper left `c`. */
function unfilter(filter: number, a: number, b: number, c: number): number {
  switch (filter) {
    case 0: return 0;
    case 1: return a;
    case 2: return b;
    case 3: return (a + b) >> 1;
    case 4: {
      const p = a + b - c;
      const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
      return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
    default: throw new Error(`PNG filter type ${filter} is not defined`);
  }
}

/** The smallest box holding every pixel in which `a` and `b` differ, or undefined if none does. */
export function differenceBox(a: RgbaImage, b: RgbaImage): PixelBox | undefined {
  if (a.width !== b.width || a.height !== b.height) throw new Error(`images of ${a.width}x${a.height} and ${b.width}x${b.height} cannot be compared pixel by pixel`);
  let left = Infinity, top = Infinity, right = -1, bottom = -1;
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width; x++) {
      const i = (y * a.width + x) * 4;
      if (a.rgba[i] === b.rgba[i] && a.rgba[i + 1] === b.rgba[i + 1] && a.rgba[i + 2] === b.rgba[i + 2] && a.rgba[i + 3] === b.rgba[i + 3]) continue;
      left = Math.min(left, x); top = Math.min(top, y); right = Math.max(right, x + 1); bottom = Math.max(bottom, y + 1);
    }
  }
  return right < 0 ? undefined : { left, top, right, bottom };
}

/** The pixels of `image` inside `box`. */
export function cropImage(image: RgbaImage, box: PixelBox): RgbaImage {
  const width = box.right - box.left;
  const height = box.bottom - box.top;
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) rgba.set(image.rgba.subarray(((box.top + y) * image.width + box.left) * 4, ((box.top + y) * image.width + box.right) * 4), y * width * 4);
  return { width, height, rgba };
}

/** The smallest box holding every pixel in which `a` and `b` differ outside all of `allowed`, or undefined if none does. */
export function differenceOutside(a: RgbaImage, b: RgbaImage, allowed: readonly PixelBox[]): PixelBox | undefined {
  const masked = (image: RgbaImage) => {
    const rgba = new Uint8Array(image.rgba);
    for (const box of allowed) for (let y = Math.max(0, box.top); y < Math.min(image.height, box.bottom); y++) rgba.fill(0, (y * image.width + Math.max(0, box.left)) * 4, (y * image.width + Math.min(image.width, box.right)) * 4);
    return { ...image, rgba };
  };
  return differenceBox(masked(a), masked(b));
}
