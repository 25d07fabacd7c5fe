/** The synthetic frames every lossless codec must give back exactly, by name. */
import type { FrameGeometry } from '../../src/pixels/frame-codec.js';
import { syntheticGeometry } from './synthetic-frames.js';

export const LOSSLESS_GEOMETRIES: ReadonlyArray<readonly [string, FrameGeometry]> = [
  ['8-bit monochrome', syntheticGeometry({})],
  ['12-bit unsigned in 16', syntheticGeometry({ bitsAllocated: 16, bitsStored: 12 })],
  ['16-bit unsigned', syntheticGeometry({ bitsAllocated: 16, bitsStored: 16 })],
  ['16-bit signed', syntheticGeometry({ bitsAllocated: 16, bitsStored: 16, pixelRepresentation: 1 })],
  ['12-bit signed in 16', syntheticGeometry({ bitsAllocated: 16, bitsStored: 12, pixelRepresentation: 1 })],
  ['8-bit RGB', syntheticGeometry({ samplesPerPixel: 3, photometricInterpretation: 'RGB' })],
  ['8-bit RGB, planar', syntheticGeometry({ samplesPerPixel: 3, photometricInterpretation: 'RGB', planarConfiguration: 1 })],
];
