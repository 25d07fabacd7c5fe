/**
 * Rendering of PALETTE COLOR frames (PS3.3 C.7.6.3.1.5 and C.7.6.3.1.6): each stored value
 * indexes the data set's red, green and blue lookup tables. A descriptor holds the number of
 * entries (0 meaning 65536), the first stored value mapped (values below map to the first entry,
 * above to the last) and the bits per entry, 8 or 16; 16-bit entries are scaled to 8 bits by
 * their high byte. Segmented tables (0028,1221-1223) are refused by name.
 */
import type { Dataset } from '../dicom/dataset.js';
import { Tag } from '../dicom/tag.js';
import { MedVeilError } from '../errors.js';
import type { DecodedFrame } from './frame-codec.js';
import type { RenderedImage } from './render-colour.js';

/** The three tables, each as 8-bit entries, and the first stored value they map. */
export interface Palette {
  readonly firstMapped: number;
  readonly red: Uint8Array;
  readonly green: Uint8Array;
  readonly blue: Uint8Array;
}

const TABLES = [
  ['red', Tag.RedPaletteColorLookupTableDescriptor, Tag.RedPaletteColorLookupTableData],
  ['green', Tag.GreenPaletteColorLookupTableDescriptor, Tag.GreenPaletteColorLookupTableData],
  ['blue', Tag.BluePaletteColorLookupTableDescriptor, Tag.BluePaletteColorLookupTableData],
] as const;

/** The palette of a PALETTE COLOR data set, or undefined when it has no tables; a MedVeilError ('pixels') when they are malformed. */
export function paletteOf(dataset: Dataset): Palette | undefined {
  if (!TABLES.every(([, descriptor]) => dataset.has(descriptor))) return undefined;
  const signed = dataset.getNumber(Tag.PixelRepresentation) === 1;
  const tables: Uint8Array[] = [];
  let firstMapped = 0;
  for (const [name, descriptorTag, dataTag] of TABLES) {
    const [entries, first, bits] = dataset.getNumbers(descriptorTag);
    if (entries === undefined || first === undefined || (bits !== 8 && bits !== 16)) {
      throw new MedVeilError('pixels', `the ${name} palette descriptor needs three values with 8 or 16 bits per entry`);
    }
    const element = dataset.get(dataTag);
    if (element?.value === undefined) {
      throw new MedVeilError('pixels', `the ${name} palette has no lookup table data; segmented palettes are not rendered`);
    }
    const count = entries === 0 ? 65536 : entries;
    const data = element.value;
    if (data.length < count * (bits / 8)) throw new MedVeilError('pixels', `the ${name} palette holds fewer than its ${count} entries`);
    const table = new Uint8Array(count);
    const little = dataset.encoding.littleEndian;
    for (let i = 0; i < count; i++) table[i] = bits === 8 ? data[i]! : data[little ? i * 2 + 1 : i * 2]!;
    tables.push(table);
    // PS3.3 C.7.6.3.1.5: the first value mapped is US or SS as Pixel Representation says.
    firstMapped = signed && first >= 32768 ? first - 65536 : first;
  }
  return { firstMapped, red: tables[0]!, green: tables[1]!, blue: tables[2]! };
}

export function renderPalette(frame: DecodedFrame, palette: Palette): RenderedImage {
  const { geometry, samples } = frame;
  const { rows, columns, bitsAllocated, bitsStored } = geometry;
  if (geometry.samplesPerPixel !== 1 || (bitsAllocated !== 8 && bitsAllocated !== 16)) {
    throw new MedVeilError('pixels', `rendering PALETTE COLOR needs one sample of 8 or 16 bits per pixel, not ${geometry.samplesPerPixel} of ${bitsAllocated}`);
  }
  const count = rows * columns;
  if (samples.length < count * (bitsAllocated / 8)) throw new MedVeilError('pixels', `a ${rows} x ${columns} frame needs more than ${samples.length} bytes`);
  const view = new DataView(samples.buffer, samples.byteOffset, samples.byteLength);
  const mask = (1 << bitsStored) - 1;
  const half = 1 << (bitsStored - 1);
  const signed = geometry.pixelRepresentation === 1;
  const out = new Uint8Array(count * 3);
  for (let i = 0; i < count; i++) {
    let stored = (bitsAllocated === 8 ? view.getUint8(i) : view.getUint16(i * 2, true)) & mask;
    if (signed && stored >= half) stored -= 1 << bitsStored;
    const index = Math.max(0, stored - palette.firstMapped);
    out[i * 3] = palette.red[Math.min(index, palette.red.length - 1)]!;
    out[i * 3 + 1] = palette.green[Math.min(index, palette.green.length - 1)]!;
    out[i * 3 + 2] = palette.blue[Math.min(index, palette.blue.length - 1)]!;
  }
  return { width: columns, height: rows, channels: 3, samples: out };
}
