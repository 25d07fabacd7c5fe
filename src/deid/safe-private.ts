/**
 * The Retain Safe Private Option's list (PS3.15 E.3.10): private elements known to carry no
 * identity, named by private creator AND element byte (the xx of (gggg,xxEE)), optionally
 * restricted to one group. The element number alone means nothing: another creator may put a
 * patient's name at the same (gggg,10EE).
 */
import { MedVeilError } from '../errors.js';
import seed from './safe-private.json' with { type: 'json' };
import { trimPaddingEnd } from '../dicom/trim-padding.js';

export interface SafePrivateEntry {
  readonly creator: string;
  /** The element byte within the creator's block, 0x00-0xFF. */
  readonly element: number;
  /** The odd group, when the entry is bound to one. */
  readonly group?: number;
}

/** Private creator values are compared without their trailing padding (PS3.5 6.2 LO). */
export function normaliseCreator(creator: string): string {
  return trimPaddingEnd(creator).trim();
}

export class SafePrivateList {
  readonly entries: readonly SafePrivateEntry[];
  /** creator → element byte → the groups it is safe in, or 'any'. */
  private readonly byCreator = new Map<string, Map<number, Set<number> | 'any'>>();

  constructor(entries: readonly SafePrivateEntry[]) {
    this.entries = entries;
    for (const entry of entries) {
      const creator = normaliseCreator(entry.creator);
      let elements = this.byCreator.get(creator);
      if (!elements) this.byCreator.set(creator, (elements = new Map()));
      const known = elements.get(entry.element);
      if (known === 'any') continue;
      if (entry.group === undefined) elements.set(entry.element, 'any');
      else elements.set(entry.element, new Set([...(known ?? []), entry.group]));
    }
  }

  /** `creator` as `normaliseCreator` returns it. */
  has(group: number, creator: string, element: number): boolean {
    const groups = this.byCreator.get(creator)?.get(element);
    return groups === 'any' || (groups !== undefined && groups.has(group));
  }

  extend(entries: readonly SafePrivateEntry[]): SafePrivateList {
    return new SafePrivateList([...this.entries, ...entries]);
  }
}

function seedEntries(): SafePrivateEntry[] {
  return seed.entries.map((entry) => {
    const element = Number(entry.element);
    const group = parseInt(entry.group, 16);
    if (!Number.isInteger(element) || element < 0 || element > 0xff || (group & 1) !== 1) {
      throw new MedVeilError('internal', `safe-private.json has a malformed entry for ${entry.creator}`);
    }
    return { creator: entry.creator, element, group };
  });
}

/** The seed list shipped in `safe-private.json`. */
export const DEFAULT_SAFE_PRIVATE = new SafePrivateList(seedEntries());
