/**
 * Images with text burned into their pixels, as modalities write names, IDs and dates into
 * the corners of CR, DX and ultrasound images, for the burned-in text tests (issue 5). The
 * text is rendered by `render-text.py` (Pillow, with Debian's DejaVu, Liberation and WenQuanYi
 * fonts found through fontconfig), which also says where each text's ink lies.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { DicomFile } from '../../src/dicom/dicom-file.js';
import { readDicomFile } from '../../src/dicom/read-dicom-file.js';
import { Tag } from '../../src/dicom/tag.js';
import { encodeDicomFile } from '../../src/dicom/write-dicom-file.js';
import type { DecodedFrame, FrameGeometry } from '../../src/pixels/frame-codec.js';
import { fillSamples } from '../../src/pixels/fill-regions.js';
import { testGeometry, testImageFile } from '../../src/pixels/testing-image-file.js';
import { transcodeFrames } from '../../src/pixels/transcode-frames.js';
import { writeFrames } from '../../src/pixels/write-frames.js';
import { SYSTEM_PYTHON } from './pydicom-files.js';
import { repoRoot } from './repo-root.js';

export interface PlantedText {
  readonly text: string;
  /** Where the text is drawn from (its origin, as Pillow places it; the ink starts a little below and right). */
  readonly x: number;
  readonly y: number;
  /** A fontconfig family: 'DejaVu Sans', 'DejaVu Sans Mono', 'DejaVu Serif', 'Liberation Sans', 'Liberation Serif', 'Liberation Mono', 'WenQuanYi Micro Hei'. Default DejaVu Sans. */
  readonly font?: string;
  /** Font size in pixels. */
  readonly size: number;
  /** Brightness as a fraction of the full range, 0..1; default 1 (white). */
  readonly value?: number;
}

export interface BurnedInTextSpec {
  readonly width: number;
  readonly height: number;
  readonly bits: 8 | 16;
  readonly background?: {
    readonly kind: 'dark' | 'gradient' | 'anatomy-like';
    readonly seed?: number;
    /** Brightness of the background (its mean for gradient and anatomy-like), 0..1; default 0.05. */
    readonly level?: number;
  };
  readonly texts: readonly PlantedText[];
}

/** Where a text's ink lies: every pixel the text changed is inside. */
export interface PlantedBox {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

export interface BurnedInText {
  /** Row by row, unsigned, full range of `bitsAllocated` (white is the maximum). */
  readonly pixels: Uint8Array | Uint16Array;
  readonly rows: number;
  readonly columns: number;
  readonly bitsAllocated: 8 | 16;
  /** One per text of the spec, in its order. */
  readonly boxes: readonly PlantedBox[];
}

export function renderBurnedInText(spec: BurnedInTextSpec): BurnedInText {
  const script = join(repoRoot(), 'test', 'support', 'render-text.py');
  const run = spawnSync(SYSTEM_PYTHON, [script], { input: JSON.stringify(spec), maxBuffer: 2 * spec.width * spec.height + 1024 });
  if (run.error !== undefined) throw new Error('render-text.py could not run (install python3-pil, python3-numpy and the fonts; `npm test` does)', { cause: run.error });
  const stderr = run.stderr.toString('utf8');
  if (run.status !== 0) throw new Error(`render-text.py failed: ${stderr.trim()}`);
  const { boxes } = JSON.parse(stderr.trim().split('\n').at(-1)!) as { boxes: PlantedBox[] };
  const bytes = new Uint8Array(run.stdout.buffer, run.stdout.byteOffset, run.stdout.byteLength);
  const expected = spec.width * spec.height * (spec.bits / 8);
  if (bytes.length !== expected) throw new Error(`render-text.py wrote ${bytes.length} bytes, not ${expected}`);
  const pixels = spec.bits === 8 ? new Uint8Array(bytes) : new Uint16Array(new Uint8Array(bytes).buffer);
  return { pixels, rows: spec.height, columns: spec.width, bitsAllocated: spec.bits, boxes };
}

export interface BurnedInTextFileOptions {
  /** The SOP class and Modality: Computed Radiography, Digital X-Ray (for presentation) or Ultrasound (multi-frame when there are several frames). */
  readonly modality: 'CR' | 'DX' | 'US';
  /** Default MONOCHROME2. MONOCHROME1 stores inverted samples, so the image looks the same; RGB repeats the grey in each sample (8 bits only). */
  readonly photometricInterpretation?: 'MONOCHROME2' | 'MONOCHROME1' | 'RGB';
  readonly planarConfiguration?: 0 | 1;
  /** Default Bits Allocated; fewer keeps the top bits of each sample. */
  readonly bitsStored?: number;
  /** Two's complement samples, centred on zero. */
  readonly signed?: boolean;
  /** Default Explicit VR Little Endian; any syntax MedVeil writes. */
  readonly transferSyntaxUid?: string;
}

const SOP_CLASSES = {
  CR: '1.2.840.10008.5.1.4.1.1.1',
  DX: '1.2.840.10008.5.1.4.1.1.1.1',
  US: '1.2.840.10008.5.1.4.1.1.6.1',
  'US multi-frame': '1.2.840.10008.5.1.4.1.1.3.1',
} as const;

/** The geometry `burnedInTextFile` gives images of this size and these options. */
export function burnedInTextGeometry(image: Pick<BurnedInText, 'rows' | 'columns' | 'bitsAllocated'>, options: BurnedInTextFileOptions): FrameGeometry {
  const colour = options.photometricInterpretation === 'RGB';
  if (colour && image.bitsAllocated !== 8) throw new Error('burnedInTextFile: RGB images are 8-bit');
  return testGeometry({
    rows: image.rows,
    columns: image.columns,
    samplesPerPixel: colour ? 3 : 1,
    bitsAllocated: image.bitsAllocated,
    bitsStored: options.bitsStored ?? image.bitsAllocated,
    pixelRepresentation: options.signed === true ? 1 : 0,
    photometricInterpretation: options.photometricInterpretation ?? 'MONOCHROME2',
    planarConfiguration: colour ? (options.planarConfiguration ?? 0) : 0,
  });
}

/**
 * A DICOM file (read back from its encoded bytes) with one frame per image, all of one size and
 * depth: a frame without text is an image rendered with no texts.
 */
export async function burnedInTextFile(images: BurnedInText | readonly BurnedInText[], options: BurnedInTextFileOptions): Promise<DicomFile> {
  const frames = Array.isArray(images) ? (images as readonly BurnedInText[]) : [images as BurnedInText];
  const geometry = burnedInTextGeometry(frames[0]!, options);
  const sopClass = options.modality === 'US' && frames.length > 1 ? SOP_CLASSES['US multi-frame'] : SOP_CLASSES[options.modality];
  const file = testImageFile(geometry, frames.length, { sopClassUid: sopClass });
  file.dataset.setString(Tag.Modality, options.modality);
  file.dataset.setString(Tag.Manufacturer, 'MedVeil Test Imaging');
  writeFrames(file, { transferSyntaxUid: '1.2.840.10008.1.2.1', geometry, frames: frames.map((image) => frameSamples(image, geometry)) });
  const syntax = options.transferSyntaxUid ?? '1.2.840.10008.1.2.1';
  if (syntax !== '1.2.840.10008.1.2.1') await transcodeFrames(file, syntax);
  return readDicomFile(encodeDicomFile(file));
}

/** An image's pixels laid out as native little endian Pixel Data of `geometry`. */
export function frameSamples(image: BurnedInText, geometry: FrameGeometry): Uint8Array {
  if (image.rows !== geometry.rows || image.columns !== geometry.columns || image.bitsAllocated !== geometry.bitsAllocated) {
    throw new Error('burnedInTextFile: every frame must have the size and depth of the first');
  }
  const shift = geometry.bitsAllocated - geometry.bitsStored;
  const top = 2 ** geometry.bitsStored - 1;
  const offset = geometry.pixelRepresentation === 1 ? 2 ** (geometry.bitsStored - 1) : 0;
  const pixelCount = geometry.rows * geometry.columns;
  const bytes = geometry.bitsAllocated / 8;
  const out = new Uint8Array(pixelCount * geometry.samplesPerPixel * bytes);
  const view = new DataView(out.buffer);
  for (let i = 0; i < pixelCount; i++) {
    let value = image.pixels[i]! >> shift;
    if (geometry.photometricInterpretation === 'MONOCHROME1') value = top - value;
    value -= offset;
    for (let s = 0; s < geometry.samplesPerPixel; s++) {
      const index = geometry.planarConfiguration === 1 ? s * pixelCount + i : i * geometry.samplesPerPixel + s;
      if (bytes === 1) view.setUint8(index, value & 0xff);
      else view.setUint16(index * 2, value & 0xffff, true);
    }
  }
  return out;
}

/**
 * How many pixels of `box` in a decoded frame do not hold the fill `fillRegions` writes for its
 * geometry (0 when the box is covered whole).
 */
export function unfilledPixels(frame: DecodedFrame, box: PlantedBox): number {
  const g = frame.geometry;
  const fill = fillSamples(g);
  const bytes = g.bitsAllocated / 8;
  const view = new DataView(frame.samples.buffer, frame.samples.byteOffset, frame.samples.byteLength);
  const read = (index: number): number => {
    if (bytes === 1) return g.pixelRepresentation === 1 ? view.getInt8(index) : view.getUint8(index);
    return g.pixelRepresentation === 1 ? view.getInt16(index * 2, true) : view.getUint16(index * 2, true);
  };
  let count = 0;
  for (let row = box.top; row < box.top + box.height; row++) {
    for (let column = box.left; column < box.left + box.width; column++) {
      for (let s = 0; s < g.samplesPerPixel; s++) {
        const index = g.planarConfiguration === 1 ? (s * g.rows + row) * g.columns + column : (row * g.columns + column) * g.samplesPerPixel + s;
        if (read(index) !== fill[s]) {
          count++;
          break;
        }
      }
    }
  }
  return count;
}
