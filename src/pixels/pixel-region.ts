/**
 * A rectangle of a frame to cover, in pixels. A negative `left` or `top` counts from the right
 * or bottom edge, so that one rule covers several image sizes; a missing `width` or `height`
 * reaches to that edge. Resolved against a frame's size, a region is clipped to the image.
 */
import { MedVeilError } from '../errors.js';

export interface PixelRegion {
  readonly left: number;
  readonly top: number;
  readonly width?: number;
  readonly height?: number;
}

/** A region placed in one image: whole, non-negative, inside the image; possibly empty. */
export interface PlacedRegion {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

export function placeRegion(region: PixelRegion, rows: number, columns: number): PlacedRegion {
  for (const [name, value] of [['left', region.left], ['top', region.top], ['width', region.width], ['height', region.height]] as const) {
    if (value !== undefined && !Number.isSafeInteger(value)) throw new MedVeilError('pixels', `a region's ${name} ${value} is not a whole number`);
  }
  if ((region.width !== undefined && region.width < 0) || (region.height !== undefined && region.height < 0)) {
    throw new MedVeilError('pixels', `a region cannot have a negative size (${region.width ?? 'to the edge'} x ${region.height ?? 'to the edge'})`);
  }
  const left = region.left < 0 ? columns + region.left : region.left;
  const top = region.top < 0 ? rows + region.top : region.top;
  const right = region.width === undefined ? columns : left + region.width;
  const bottom = region.height === undefined ? rows : top + region.height;
  const clip = (value: number, limit: number): number => Math.min(Math.max(value, 0), limit);
  return { left: clip(left, columns), top: clip(top, rows), right: clip(right, columns), bottom: clip(bottom, rows) };
}
