/**
 * Tags are unsigned 32-bit integers, (group << 16) | element, as in pydicom's `BaseTag`.
 * Named constants for standard tags live in the generated dictionary (`Tag.PatientName`).
 */
export { Tag, type TagKeyword } from './dictionary/attributes.generated.js';

export const ITEM = 0xfffee000;
export const ITEM_DELIMITATION = 0xfffee00d;
export const SEQUENCE_DELIMITATION = 0xfffee0dd;

export function makeTag(group: number, element: number): number {
  return (((group & 0xffff) << 16) | (element & 0xffff)) >>> 0;
}

export function tagGroup(tag: number): number {
  return tag >>> 16;
}

export function tagElement(tag: number): number {
  return tag & 0xffff;
}

/** Odd groups other than 0001, 0003, 0005, 0007 and FFFF are private (PS3.5 7.8.1). */
export function isPrivateTag(tag: number): boolean {
  const group = tag >>> 16;
  return (group & 1) === 1 && group > 0x0007 && group !== 0xffff;
}

/** A private creator reserves a block: (gggg,0010-00FF) (PS3.5 7.8.1). */
export function isPrivateCreatorTag(tag: number): boolean {
  const element = tag & 0xffff;
  return isPrivateTag(tag) && element >= 0x0010 && element <= 0x00ff;
}

/** The creator element that reserves the block of a private data element, e.g. (0029,1010) → (0029,0010). */
export function privateCreatorTagOf(tag: number): number | undefined {
  const element = tag & 0xffff;
  if (!isPrivateTag(tag) || element < 0x1000) return undefined;
  return makeTag(tag >>> 16, element >>> 8);
}

/** "(0010,0010)" */
export function formatTag(tag: number): string {
  const hex = (tag >>> 0).toString(16).toUpperCase().padStart(8, '0');
  return `(${hex.slice(0, 4)},${hex.slice(4)})`;
}

/** Accepts "(0010,0010)", "0010,0010", "00100010" and "0x00100010"; undefined when it is none of those. */
export function parseTag(text: string): number | undefined {
  const match = /^\(?\s*(?:0x)?([0-9a-f]{4})\s*,?\s*([0-9a-f]{4})\s*\)?$/i.exec(text.trim());
  if (!match) return undefined;
  return parseInt(match[1]! + match[2]!, 16) >>> 0;
}
