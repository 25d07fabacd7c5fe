/**
 * Where an element's value lives in an instance, as the last segment of its BulkDataURI
 * (PS3.18 F.2.6, 10.4.1.5): the tags and item indices from the top level down, joined by dots:
 * `7FE00010` at the top, `00540016.0.00181072` inside the first item of a sequence. One path
 * segment, so it never carries a separator; parsed strictly (upper-case tags, indices without
 * leading zeros).
 */
import type { Dataset } from '../dicom/dataset.js';
import type { DataElement } from '../dicom/element.js';
import { jsonTagKey } from '../dicom/json/index.js';

/** [sequence tag, item index]... then the element's tag, as `datasetToJson` reports it. */
export type ElementPath = readonly number[];

const SEGMENT = /^[0-9A-F]{8}(\.(0|[1-9][0-9]{0,5})\.[0-9A-F]{8}){0,16}$/;

export function formatElementPath(path: readonly number[], tag: number): string {
  const parts: string[] = [];
  for (let i = 0; i < path.length; i += 2) parts.push(jsonTagKey(path[i]!), String(path[i + 1]));
  parts.push(jsonTagKey(tag));
  return parts.join('.');
}

export function parseElementPath(text: string): ElementPath | undefined {
  if (!SEGMENT.test(text)) return undefined;
  return text.split('.').map((part, i) => (i % 2 === 0 ? parseInt(part, 16) >>> 0 : Number(part)));
}

/** The element at `path`, with the data set that holds it (for its byte order), or undefined. */
export function elementAt(dataset: Dataset, path: ElementPath): { element: DataElement; holder: Dataset } | undefined {
  let holder = dataset;
  for (let i = 0; i + 1 < path.length; i += 2) {
    const items = holder.get(path[i]!)?.items;
    const item = items?.[path[i + 1]!];
    if (item === undefined) return undefined;
    holder = item;
  }
  const element = holder.get(path[path.length - 1]!);
  return element === undefined ? undefined : { element, holder };
}
