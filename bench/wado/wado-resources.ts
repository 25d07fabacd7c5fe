/**
 * The objects the WADO-RS benchmark retrieves: the CR images of the ingest benchmark's corpus,
 * each with its UIDs and the last bytes of its pixel data. Pixel Data is the last element of
 * these files, so those bytes close both the instance (PS3.10 file) and its only frame: an answer
 * that ends with them, before its closing multipart delimiter, holds the object asked for.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readDicomFile } from '../../src/dicom/read-dicom-file.js';
import { Tag } from '../../src/dicom/tag.js';
import { MedVeilError } from '../../src/errors.js';
import type { Workload } from '../ingest/ingest-corpus.js';
import type { LoadRequest } from './drive-load.js';

export interface WadoObject {
  /** The file, relative to the corpus root. */
  readonly file: string;
  readonly studyUid: string;
  readonly seriesUid: string;
  readonly sopInstanceUid: string;
  readonly size: number;
  /** Bytes of one frame (rows x columns x samples x bits allocated / 8). */
  readonly frameSize: number;
  /** The last TAIL_BYTES of the pixel data. */
  readonly tail: Buffer;
}

const TAIL_BYTES = 1024;
/** Room for a closing multipart delimiter (CRLF "--" boundary "--" CRLF) after the object. */
const CLOSING_ROOM = 256;

/** The image objects (those with Pixel Data) of a workload. */
export function wadoObjects(corpusRoot: string, workload: Workload): WadoObject[] {
  const objects: WadoObject[] = [];
  for (const file of workload.files) {
    const path = join(workload.folder, file);
    const bytes = readFileSync(join(corpusRoot, path));
    const { dataset } = readDicomFile(bytes);
    if (!dataset.has(Tag.PixelData)) continue;
    if (dataset.tags().at(-1) !== Tag.PixelData) throw new MedVeilError('io', `${path}: Pixel Data is not the last element; the answer check would not hold`);
    const frameSize = (dataset.getNumber(Tag.Rows) ?? 0) * (dataset.getNumber(Tag.Columns) ?? 0) * (dataset.getNumber(Tag.SamplesPerPixel) ?? 1) * ((dataset.getNumber(Tag.BitsAllocated) ?? 16) / 8);
    objects.push({
      file: path,
      studyUid: dataset.getString(Tag.StudyInstanceUID)!,
      seriesUid: dataset.getString(Tag.SeriesInstanceUID)!,
      sopInstanceUid: dataset.getString(Tag.SOPInstanceUID)!,
      size: bytes.length,
      frameSize,
      tail: Buffer.from(bytes.subarray(bytes.length - TAIL_BYTES)),
    });
  }
  return objects;
}

export type Resource = 'instance' | 'frame';

/** Accept headers of PS3.18 8.7.3: the stored representation of the instance; frames as raw bytes. */
export const ACCEPT: Readonly<Record<Resource, string>> = {
  instance: 'multipart/related; type="application/dicom"; transfer-syntax=*',
  frame: 'multipart/related; type="application/octet-stream"; transfer-syntax=*',
};

/** The WADO-RS request of an object's instance or first frame, under `root` (e.g. /dicom-web). */
export function wadoRequest(root: string, object: WadoObject, resource: Resource): LoadRequest {
  const instance = `${root}/studies/${object.studyUid}/series/${object.seriesUid}/instances/${object.sopInstanceUid}`;
  return {
    path: resource === 'instance' ? instance : `${instance}/frames/1`,
    check: (chunks, length) => length >= object.frameSize && endsWithin(chunks, length, object.tail),
  };
}

/** Whether `tail` occurs within the last tail.length + CLOSING_ROOM bytes of the body. */
export function endsWithin(chunks: readonly Buffer[], length: number, tail: Buffer): boolean {
  const window = tail.length + CLOSING_ROOM;
  const last: Buffer[] = [];
  let have = 0;
  for (let i = chunks.length - 1; i >= 0 && have < window; i--) {
    last.unshift(chunks[i]!);
    have += chunks[i]!.length;
  }
  const end = Buffer.concat(last);
  return length >= tail.length && end.subarray(Math.max(0, end.length - window)).includes(tail);
}
