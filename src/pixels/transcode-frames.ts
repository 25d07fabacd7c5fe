/**
 * Re-encodes a file's Pixel Data in another transfer syntax, frame by frame: each frame is
 * decoded by its syntax's codec and encoded by the target's, so at most one decoded frame is
 * held at a time. The file then states the new syntax, colour layout and, when the target codec
 * may lose information in a lossy syntax, the lossy compression (see `write-frames.ts`).
 */
import type { DicomFile } from '../dicom/dicom-file.js';
import { internalError } from '../errors.js';
import { type FrameGeometry, sameGeometry } from './frame-codec.js';
import { frameCodecFor } from './frame-codecs.js';
import { readFrames } from './read-frames.js';
import { writeFrames } from './write-frames.js';

export async function transcodeFrames(file: DicomFile, transferSyntaxUid: string): Promise<void> {
  const read = readFrames(file);
  const from = frameCodecFor(read.transferSyntaxUid);
  const to = frameCodecFor(transferSyntaxUid);
  const encoded: Uint8Array[] = [];
  let geometry: FrameGeometry | undefined;
  for (const frame of read.frames) {
    const result = await to.encode(await from.decode(frame, read.geometry), transferSyntaxUid);
    if (geometry !== undefined && !sameGeometry(geometry, result.geometry)) {
      throw internalError(`the ${transferSyntaxUid} codec described two frames of one image differently`);
    }
    geometry = result.geometry;
    encoded.push(result.encoded);
  }
  // A lossless codec never loses information; otherwise the syntax says whether it may.
  writeFrames(file, { transferSyntaxUid, geometry: geometry!, frames: encoded }, to.lossless ? { lossy: false } : {});
}

