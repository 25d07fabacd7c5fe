/**
 * One frame of an image as a picture for people: the rendered and thumbnail resources of
 * WADO-RS (PS3.18 8.3.5.1) and WADO-URI images. A decoded frame (any syntax the codec registry
 * reads) becomes 8-bit grey (render-monochrome.ts) or RGB (render-colour.ts; PALETTE COLOR
 * through the data set's lookup tables, render-palette.ts), is scaled down to a box when
 * asked, and is written as PNG, or as JPEG through the baseline codec (quality as that codec
 * writes re-encoded frames).
 */
import type { DicomFile } from '../dicom/dicom-file.js';
import { Tag } from '../dicom/tag.js';
import { MedVeilError } from '../errors.js';
import { JPEG_BASELINE, jpegBaselineCodec } from './codec-jpeg-baseline.js';
import type { DecodedFrame } from './frame-codec.js';
import { frameCodecFor } from './frame-codecs.js';
import { encodePng } from './png-encoder.js';
import { readFrames } from './read-frames.js';
import { type RenderedImage, renderColour } from './render-colour.js';
import { datasetWindow, type Rescale, renderMonochrome, rescaleOf, type VoiWindow } from './render-monochrome.js';
import { type Palette, paletteOf, renderPalette } from './render-palette.js';

export type RenderedMediaType = 'image/png' | 'image/jpeg';

export interface RenderRequest {
  /** From 1. */
  readonly frameNumber: number;
  readonly mediaType: RenderedMediaType;
  /** The VOI window of the request; by default the data set's first, else the frame's range. */
  readonly window?: VoiWindow;
  /** A box to scale down into, keeping the aspect; never scaled up. */
  readonly fit?: { readonly width: number; readonly height: number };
}

/** What of a data set shapes its rendering besides the pixels. */
export interface RenderFacts {
  readonly window: VoiWindow | undefined;
  readonly rescale: Rescale;
  /** The lookup tables of a PALETTE COLOR image. */
  readonly palette?: Palette;
}

export function renderFactsOf(file: Pick<DicomFile, 'dataset'>): RenderFacts {
  const { dataset } = file;
  const palette = dataset.getString(Tag.PhotometricInterpretation)?.trim().toUpperCase() === 'PALETTE COLOR' ? paletteOf(dataset) : undefined;
  return { window: datasetWindow(dataset), rescale: rescaleOf(dataset), ...(palette === undefined ? {} : { palette }) };
}

export function renderDecodedFrame(frame: DecodedFrame, facts: RenderFacts, request: Omit<RenderRequest, 'frameNumber'>): Promise<Buffer> {
  return encodeRendered(renderImage(frame, facts, request), request.mediaType);
}

/**
 * A mosaic rendered from its squares (`mosaicBlocks` in mosaic.ts): `blocks` has one pixel per
 * square of a `rows` × `columns` frame; each is rendered once and widened back to its square.
 * The picture is the one `renderDecodedFrame` makes of the whole mosaic, for a fraction of the
 * work, and every repeated row deflates to almost nothing.
 */
export function renderMosaicBlocks(blocks: DecodedFrame, blockSize: number, size: { readonly rows: number; readonly columns: number }, facts: RenderFacts, request: Omit<RenderRequest, 'frameNumber'>): Promise<Buffer> {
  let image = expandBlocks(renderImage(blocks, facts, { ...request, fit: undefined }), blockSize, size.columns, size.rows);
  if (request.fit !== undefined) image = fitWithin(image, request.fit.width, request.fit.height);
  return encodeRendered(image, request.mediaType);
}

/** Each pixel of `image` widened to a `blockSize` square, cut to `width` × `height`. */
export function expandBlocks(image: RenderedImage, blockSize: number, width: number, height: number): RenderedImage {
  const { channels } = image;
  const rowLength = width * channels;
  const samples = new Uint8Array(rowLength * height);
  for (let blockRow = 0; blockRow * blockSize < height; blockRow++) {
    const top = blockRow * blockSize;
    const row = samples.subarray(top * rowLength, (top + 1) * rowLength);
    for (let x = 0; x < width; x++) {
      const from = (blockRow * image.width + Math.floor(x / blockSize)) * channels;
      for (let c = 0; c < channels; c++) row[x * channels + c] = image.samples[from + c]!;
    }
    for (let y = top + 1; y < Math.min(top + blockSize, height); y++) samples.copyWithin(y * rowLength, top * rowLength, (top + 1) * rowLength);
  }
  return { width, height, channels, samples };
}

function renderImage(frame: DecodedFrame, facts: RenderFacts, request: Omit<RenderRequest, 'frameNumber' | 'mediaType'>): RenderedImage {
  const photometric = frame.geometry.photometricInterpretation;
  let image: RenderedImage;
  if (photometric === 'MONOCHROME1' || photometric === 'MONOCHROME2') {
    image = { ...renderMonochrome(frame, { window: request.window ?? facts.window, rescale: facts.rescale }), channels: 1 };
  } else if (photometric === 'PALETTE COLOR') {
    if (facts.palette === undefined) throw new MedVeilError('pixels', 'a PALETTE COLOR image without its lookup tables cannot be rendered');
    image = renderPalette(frame, facts.palette);
  } else {
    image = renderColour(frame);
  }
  if (request.fit !== undefined) image = fitWithin(image, request.fit.width, request.fit.height);
  return image;
}

/** Frame `frameNumber` of `file`, decoded through the codec registry and rendered; a MedVeilError ('pixels') when it cannot be. */
export async function renderFileFrame(file: Pick<DicomFile, 'dataset' | 'transferSyntaxUid'>, request: RenderRequest): Promise<Buffer> {
  const read = readFrames(file);
  const encoded = read.frames[request.frameNumber - 1];
  if (encoded === undefined) throw new MedVeilError('pixels', `the image has ${read.frames.length} frame(s), not ${request.frameNumber}`);
  const frame = await frameCodecFor(read.transferSyntaxUid).decode(encoded, read.geometry);
  return renderDecodedFrame(frame, renderFactsOf(file), request);
}

/**
 * zlib level of rendered PNGs. Level 1 deflates a 2048 x 2048 frame several times faster than the
 * default 6 (tens of milliseconds instead of over a hundred on one core) for a somewhat larger
 * file: a rendered frame is asked for while someone waits (issue 5: masked render p50 within 100 ms).
 */
const PNG_COMPRESSION_LEVEL = 1;

export async function encodeRendered(image: RenderedImage, mediaType: RenderedMediaType): Promise<Buffer> {
  if (mediaType === 'image/png') return encodePng(image, { compressionLevel: PNG_COMPRESSION_LEVEL });
  const { encoded } = await jpegBaselineCodec.encode({
    geometry: {
      rows: image.height,
      columns: image.width,
      samplesPerPixel: image.channels,
      bitsAllocated: 8,
      bitsStored: 8,
      pixelRepresentation: 0,
      photometricInterpretation: image.channels === 1 ? 'MONOCHROME2' : 'RGB',
      planarConfiguration: 0,
    },
    samples: image.samples,
  }, JPEG_BASELINE);
  return Buffer.from(encoded.buffer, encoded.byteOffset, encoded.byteLength);
}

/** The image scaled down (nearest neighbour) to fit `width` × `height`, keeping its aspect; never scaled up. */
export function fitWithin(image: RenderedImage, width: number, height: number): RenderedImage {
  const scale = Math.min(width / image.width, height / image.height, 1);
  if (scale === 1) return image;
  const outWidth = Math.max(1, Math.round(image.width * scale));
  const outHeight = Math.max(1, Math.round(image.height * scale));
  const { channels } = image;
  const samples = new Uint8Array(outWidth * outHeight * channels);
  for (let y = 0; y < outHeight; y++) {
    const sourceRow = Math.min(image.height - 1, Math.floor(y / scale));
    for (let x = 0; x < outWidth; x++) {
      const sourceColumn = Math.min(image.width - 1, Math.floor(x / scale));
      const from = (sourceRow * image.width + sourceColumn) * channels;
      samples.set(image.samples.subarray(from, from + channels), (y * outWidth + x) * channels);
    }
  }
  return { width: outWidth, height: outHeight, channels, samples };
}
