/**
 * Removes the two places besides Pixel Data where a data set can carry a picture with burned-in
 * text: the Overlay Plane modules (groups 6000-601E, PS3.3 C.9.2), whose Overlay Data
 * (60xx,3000) often holds annotations typed at the modality, and Icon Image Sequence
 * (0088,0200) thumbnails (PS3.3 F.7), which are a small copy of the image, text included, and
 * which OCR of the main frames never sees.
 *
 * Both are removed, not blanked: an Overlay Plane module without its Type 1 Overlay Data would
 * be invalid, and a blank thumbnail helps no one, while both are optional where they occur.
 * Overlays kept in the unused high bits of Pixel Data (the retired usage of PS3.5 8.1.2) are
 * cleared frame by frame in `clear-bits-above-high-bit.ts`.
 */
import type { Dataset } from '../dicom/dataset.js';
import { Tag } from '../dicom/tag.js';

export interface RemovedOverlaysAndIcons {
  /** The overlay groups removed, e.g. 0x6000. */
  readonly overlayGroups: number[];
  /** How many Icon Image Sequences were removed, at any depth. */
  readonly iconSequences: number;
}

export function removeOverlaysAndIcons(dataset: Dataset): RemovedOverlaysAndIcons {
  const overlayGroups = new Set<number>();
  for (const tag of [...dataset.tags()]) {
    const group = tag >>> 16;
    if (group >= 0x6000 && group <= 0x601e && group % 2 === 0) {
      dataset.delete(tag);
      overlayGroups.add(group);
    }
  }
  return { overlayGroups: [...overlayGroups], iconSequences: removeIconSequences(dataset) };
}

function removeIconSequences(dataset: Dataset): number {
  let removed = dataset.delete(Tag.IconImageSequence) ? 1 : 0;
  for (const element of dataset) {
    for (const item of element.items ?? []) removed += removeIconSequences(item);
  }
  return removed;
}
