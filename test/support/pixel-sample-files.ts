/**
 * Frames of sample DICOM files for the codec tests: the image geometry, and either the native
 * Pixel Data bytes or the encapsulated frames (one fragment per frame, or all fragments of a
 * single-frame image joined). Reading frames for real is src/pixels' job; this is the minimum
 * the codec tests need, kept apart so that they do not depend on it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDicomFile } from '../../src/dicom/read-dicom-file.js';
import { Tag } from '../../src/dicom/tag.js';
import type { FrameGeometry } from '../../src/pixels/frame-codec.js';
import { pydicomData } from './pydicom-files.js';

export interface PixelSample {
  readonly transferSyntaxUid: string;
  readonly geometry: FrameGeometry;
  /** Native Pixel Data (little endian syntaxes only). */
  readonly native?: Uint8Array;
  /** Encoded frames of encapsulated Pixel Data. */
  readonly frames?: readonly Uint8Array[];
}

export function pydicomSamplePath(name: string): string {
  return join(pydicomData().root, 'test_files', name);
}

export function readPixelSample(path: string): PixelSample {
  const file = readDicomFile(readFileSync(path));
  const ds = file.dataset;
  const number = (tag: number, fallback?: number): number => {
    const value = ds.getNumber(tag) ?? fallback;
    if (value === undefined) throw new Error(`${path}: no value for tag ${tag.toString(16)}`);
    return value;
  };
  const geometry: FrameGeometry = {
    rows: number(Tag.Rows),
    columns: number(Tag.Columns),
    samplesPerPixel: number(Tag.SamplesPerPixel) as 1 | 3,
    bitsAllocated: number(Tag.BitsAllocated),
    bitsStored: number(Tag.BitsStored),
    pixelRepresentation: number(Tag.PixelRepresentation) as 0 | 1,
    photometricInterpretation: (ds.getString(Tag.PhotometricInterpretation) ?? '').trim(),
    planarConfiguration: number(Tag.PlanarConfiguration, 0) as 0 | 1,
  };
  const pixelData = ds.get(Tag.PixelData);
  if (pixelData === undefined) throw new Error(`${path}: no Pixel Data`);
  if (pixelData.fragments === undefined) {
    if (pixelData.value === undefined) throw new Error(`${path}: Pixel Data without a value`);
    return { transferSyntaxUid: file.transferSyntaxUid, geometry, native: pixelData.value };
  }
  const frameCount = number(Tag.NumberOfFrames, 1);
  const { fragments } = pixelData.fragments;
  let frames: Uint8Array[];
  if (frameCount === 1) frames = [Buffer.concat(fragments as Uint8Array[])];
  else if (fragments.length === frameCount) frames = [...fragments];
  else throw new Error(`${path}: ${frameCount} frames in ${fragments.length} fragments`);
  return { transferSyntaxUid: file.transferSyntaxUid, geometry, frames };
}

/**
 * Converts `path` with a peer's command-line tool (dcmtk's dcmdjpeg, dcmcjpls, ..., gdcm's
 * gdcmconv) into a temporary file and reads its Pixel Data.
 */
export function convertWithPeer(command: string, args: readonly string[], path: string): PixelSample {
  const dir = mkdtempSync(join(tmpdir(), 'medveil-peer-'));
  try {
    const out = join(dir, 'decoded.dcm');
    const run = spawnSync(command, [...args, path, out], { encoding: 'utf8' });
    if (run.error) throw new Error(`${command} could not run: install dcmtk and libgdcm-tools`, { cause: run.error });
    if (run.status !== 0) throw new Error(`${command} failed: ${run.stderr}`);
    return readPixelSample(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
