/**
 * Rendering of one decoded colour frame to 8-bit RGB, pixel by pixel, for the rendered and
 * thumbnail resources: RGB as it is, YBR_FULL and YBR_FULL_422 through the full-range conversion
 * of PS3.3 C.7.6.3.1.2 (ITU-R BT.601 without headroom), either planar configuration. Samples
 * wider than 8 bits are scaled from Bits Stored. PALETTE COLOR needs the data set's lookup
 * tables, which a decoded frame does not carry: render-palette.ts renders it.
 */
import { MedVeilError } from '../errors.js';
import type { DecodedFrame } from './frame-codec.js';

/** An 8-bit image of one (grey) or three (R, G, B) samples per pixel, pixel by pixel, row by row. */
export interface RenderedImage {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  readonly samples: Uint8Array;
}

export function renderColour(frame: DecodedFrame): RenderedImage {
  const { geometry, samples: source } = frame;
  const { rows, columns, bitsAllocated, bitsStored } = geometry;
  const photometric = geometry.photometricInterpretation;
  if (photometric !== 'RGB' && photometric !== 'YBR_FULL' && photometric !== 'YBR_FULL_422') {
    throw new MedVeilError('pixels', `rendering ${photometric || 'a frame without Photometric Interpretation'} is not supported here (RGB, YBR_FULL and YBR_FULL_422 are)`);
  }
  if (bitsAllocated !== 8 && bitsAllocated !== 16) throw new MedVeilError('pixels', `rendering colour frames of Bits Allocated ${bitsAllocated} is not supported`);
  const width = bitsAllocated / 8;
  const view = new DataView(source.buffer, source.byteOffset, source.byteLength);
  const needed = rows * columns * (photometric === 'YBR_FULL_422' ? 2 : 3) * width;
  if (source.length < needed) throw new MedVeilError('pixels', `a ${rows} x ${columns} colour frame needs ${needed} bytes, not ${source.length}`);
  const shift = Math.max(0, bitsStored - 8);
  const mask = 2 ** bitsStored - 1;
  const sample = (index: number): number => {
    const raw = width === 1 ? source[index]! : view.getUint16(index * 2, true);
    return Math.floor((raw & mask) / 2 ** shift);
  };
  const planar = photometric !== 'YBR_FULL_422' && geometry.planarConfiguration === 1;
  const plane = rows * columns;
  const out = new Uint8Array(plane * 3);
  for (let pixel = 0; pixel < plane; pixel++) {
    let a: number;
    let b: number;
    let c: number;
    if (photometric === 'YBR_FULL_422') {
      const pair = pixel >> 1;
      a = sample(pair * 4 + (pixel & 1));
      b = sample(pair * 4 + 2);
      c = sample(pair * 4 + 3);
    } else if (planar) {
      a = sample(pixel);
      b = sample(plane + pixel);
      c = sample(2 * plane + pixel);
    } else {
      a = sample(pixel * 3);
      b = sample(pixel * 3 + 1);
      c = sample(pixel * 3 + 2);
    }
    if (photometric === 'RGB') {
      out.set([a, b, c], pixel * 3);
    } else {
      // PS3.3 C.7.6.3.1.2: Y, Cb and Cr of the full range, inverted.
      out[pixel * 3] = clamp(a + 1.402 * (c - 128));
      out[pixel * 3 + 1] = clamp(a - 0.344136 * (b - 128) - 0.714136 * (c - 128));
      out[pixel * 3 + 2] = clamp(a + 1.772 * (b - 128));
    }
  }
  return { width: columns, height: rows, channels: 3, samples: out };
}

function clamp(value: number): number {
  return Math.min(255, Math.max(0, Math.round(value)));
}
