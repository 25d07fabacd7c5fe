/**
 * Rendering of one greyscale frame to 8 bits for the rendered and thumbnail resources
 * (PS3.18 8.3.5.1): stored values masked to Bits Stored and sign-extended (PS3.5 8.1.1),
 * the Modality LUT as Rescale Slope and Intercept (PS3.3 C.11.1.1.2), then the linear VOI
 * window (PS3.3 C.11.2.1.2.1) from the query, the data set, or the frame's own range, and
 * MONOCHROME1 inverted. Only uncompressed MONOCHROME1/2 frames of 8 or 16 bits allocated are
 * rendered; everything else waits for the pixel codecs of issue 5.
 */
import type { Dataset } from '../dicom/dataset.js';
import { Tag } from '../dicom/tag.js';
import type { GreyImage } from '../pixels/png-encoder.js';
import type { ImagePixelFacts } from './pixel-frames.js';

export interface VoiWindow {
  readonly center: number;
  readonly width: number;
}

/** Why a frame cannot be rendered, or undefined when it can. */
export function renderingProblem(facts: ImagePixelFacts): string | undefined {
  if (facts.photometricInterpretation !== 'MONOCHROME1' && facts.photometricInterpretation !== 'MONOCHROME2') {
    return `rendering supports MONOCHROME1 and MONOCHROME2 images, not ${facts.photometricInterpretation || 'an image without Photometric Interpretation'}`;
  }
  if (facts.samplesPerPixel !== 1) return 'rendering supports one sample per pixel';
  if (facts.bitsAllocated !== 8 && facts.bitsAllocated !== 16) return `rendering supports 8 or 16 bits allocated, not ${facts.bitsAllocated}`;
  if (facts.bitsStored < 1 || facts.bitsStored > facts.bitsAllocated) return 'Bits Stored is not between 1 and Bits Allocated';
  return undefined;
}

/** The first window of the data set (Window Center and Width are multi-valued; the first is the default). */
export function datasetWindow(dataset: Dataset): VoiWindow | undefined {
  const center = dataset.getNumber(Tag.WindowCenter);
  const width = dataset.getNumber(Tag.WindowWidth);
  if (center === undefined || width === undefined || !Number.isFinite(center) || !Number.isFinite(width) || width < 1) return undefined;
  return { center, width };
}

export function rescaleOf(dataset: Dataset): { slope: number; intercept: number } {
  const slope = dataset.getNumber(Tag.RescaleSlope);
  const intercept = dataset.getNumber(Tag.RescaleIntercept);
  return {
    slope: slope !== undefined && Number.isFinite(slope) && slope !== 0 ? slope : 1,
    intercept: intercept !== undefined && Number.isFinite(intercept) ? intercept : 0,
  };
}

/** One frame (little endian, as pixel-frames.ts serves it) as 8-bit grey samples. */
export function renderMonochrome(frame: Uint8Array, facts: ImagePixelFacts, options: { window?: VoiWindow | undefined; rescale: { slope: number; intercept: number } }): GreyImage {
  const count = facts.rows * facts.columns;
  const values = new Float64Array(count);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const mask = facts.bitsStored >= 32 ? 0xffffffff : (1 << facts.bitsStored) - 1;
  const signBit = 1 << (facts.bitsStored - 1);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < count; i++) {
    let stored = (facts.bitsAllocated === 8 ? view.getUint8(i) : view.getUint16(i * 2, true)) & mask;
    if (facts.pixelRepresentation === 1 && stored & signBit) stored -= 1 << facts.bitsStored;
    const value = stored * options.rescale.slope + options.rescale.intercept;
    values[i] = value;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  // The frame's own range: the lowest value maps to 0, the highest to 255.
  const window = options.window ?? { center: (min + max) / 2 + 0.5, width: max - min + 1 };
  const samples = new Uint8Array(count);
  // PS3.3 C.11.2.1.2.1, linear: y = ((x - (c - 0.5)) / (w - 1) + 0.5) · 255 inside the window.
  const low = window.center - 0.5 - (window.width - 1) / 2;
  const high = window.center - 0.5 + (window.width - 1) / 2;
  const invert = facts.photometricInterpretation === 'MONOCHROME1';
  for (let i = 0; i < count; i++) {
    const x = values[i]!;
    let y: number;
    if (x <= low) y = 0;
    else if (x > high) y = 255;
    else y = window.width <= 1 ? 255 : Math.round(((x - (window.center - 0.5)) / (window.width - 1) + 0.5) * 255);
    y = Math.min(255, Math.max(0, y));
    samples[i] = invert ? 255 - y : y;
  }
  return { width: facts.columns, height: facts.rows, samples };
}

/** The image scaled down (nearest neighbour) to fit `width` × `height`, keeping its aspect; never scaled up. */
export function fitWithin(image: GreyImage, width: number, height: number): GreyImage {
  const scale = Math.min(width / image.width, height / image.height, 1);
  if (scale === 1) return image;
  const outWidth = Math.max(1, Math.round(image.width * scale));
  const outHeight = Math.max(1, Math.round(image.height * scale));
  const samples = new Uint8Array(outWidth * outHeight);
  for (let y = 0; y < outHeight; y++) {
    const sourceRow = Math.min(image.height - 1, Math.floor(y / scale));
    for (let x = 0; x < outWidth; x++) {
      const sourceColumn = Math.min(image.width - 1, Math.floor(x / scale));
      samples[y * outWidth + x] = image.samples[sourceRow * image.width + sourceColumn]!;
    }
  }
  return { width: outWidth, height: outHeight, samples };
}
