import type { DataElement } from './element.js';
import { Tag } from './tag.js';
import { decodeStrings, decodeNumbers, encodeStrings } from './values.js';
import { type VR } from './vr.js';
import { implicitVR } from './dictionary.js';

/** How a dataset's bytes are (or will be) encoded; fixed by its transfer syntax. */
export interface DatasetEncoding {
  readonly explicitVR: boolean;
  readonly littleEndian: boolean;
}

export const EXPLICIT_LITTLE: DatasetEncoding = Object.freeze({ explicitVR: true, littleEndian: true });
export const IMPLICIT_LITTLE: DatasetEncoding = Object.freeze({ explicitVR: false, littleEndian: true });
export const EXPLICIT_BIG: DatasetEncoding = Object.freeze({ explicitVR: true, littleEndian: false });

/**
 * A DICOM dataset (the main one or a sequence item): elements by tag, in ascending tag order
 * when iterated. Items of a sequence point to their parent, so that the Specific Character Set
 * of an enclosing dataset applies inside (PS3.5 7.5.3).
 */
export class Dataset {
  readonly encoding: DatasetEncoding;
  readonly parent: Dataset | undefined;
  /** The exact bytes of this item as read (item header to item delimiter), when it was read. */
  source: Uint8Array | undefined;
  /** Set by any change; the writer then re-encodes this dataset instead of copying `source`. */
  modified = false;
  /** Whether the item was read with undefined length (kept when re-encoded). */
  undefinedLength = false;
  private readonly elements = new Map<number, DataElement>();
  private sorted: number[] | undefined;

  constructor(encoding: DatasetEncoding = EXPLICIT_LITTLE, parent?: Dataset) {
    this.encoding = encoding;
    this.parent = parent;
  }

  get size(): number {
    return this.elements.size;
  }

  get(tag: number): DataElement | undefined {
    return this.elements.get(tag);
  }

  has(tag: number): boolean {
    return this.elements.has(tag);
  }

  /** Adds or replaces an element; marks the dataset (and its ancestors) modified. */
  set(element: DataElement): void {
    if (!this.elements.has(element.tag)) this.sorted = undefined;
    this.elements.set(element.tag, element);
    this.markModified();
  }

  /** Adds an element while reading, without marking anything modified. */
  addRead(element: DataElement): void {
    if (!this.elements.has(element.tag)) this.sorted = undefined;
    this.elements.set(element.tag, element);
  }

  delete(tag: number): boolean {
    const existed = this.elements.delete(tag);
    if (existed) {
      this.sorted = undefined;
      this.markModified();
    }
    return existed;
  }

  markModified(): void {
    for (let d: Dataset | undefined = this; d && !d.modified; d = d.parent) d.modified = true;
  }

  /** Tags in ascending order. */
  tags(): readonly number[] {
    if (!this.sorted) this.sorted = [...this.elements.keys()].sort((a, b) => a - b);
    return this.sorted;
  }

  *[Symbol.iterator](): IterableIterator<DataElement> {
    for (const tag of this.tags()) {
      const element = this.elements.get(tag);
      if (element) yield element;
    }
  }

  /** The Specific Character Set terms in force here: this dataset's own, else the nearest ancestor's. */
  specificCharacterSet(): readonly string[] {
    for (let d: Dataset | undefined = this; d; d = d.parent) {
      const element = d.elements.get(Tag.SpecificCharacterSet);
      if (element?.value) return decodeStrings(element, d.encoding, []);
    }
    return [];
  }

  /** All values of a string element, decoded with the character set in force; [] when absent. */
  getStrings(tag: number): string[] {
    const element = this.elements.get(tag);
    if (!element?.value) return [];
    return decodeStrings(element, this.encoding, this.specificCharacterSet());
  }

  /** The first value of a string element, or undefined when absent or empty. */
  getString(tag: number): string | undefined {
    const values = this.getStrings(tag);
    return values.length > 0 && values[0] !== '' ? values[0] : undefined;
  }

  /** Values of a numeric element (binary VRs, and IS/DS parsed); [] when absent. */
  getNumbers(tag: number): number[] {
    const element = this.elements.get(tag);
    if (!element?.value) return [];
    return decodeNumbers(element, this.encoding);
  }

  getNumber(tag: number): number | undefined {
    return this.getNumbers(tag)[0];
  }

  /** Sets a string element, encoded with the character set in force; the VR defaults to the dictionary's. */
  setStrings(tag: number, values: readonly string[], vr: VR = implicitVR(tag)): void {
    this.set({ tag, vr, value: encodeStrings(values, vr, this.specificCharacterSet()) });
  }

  setString(tag: number, value: string, vr: VR = implicitVR(tag)): void {
    this.setStrings(tag, [value], vr);
  }
}
