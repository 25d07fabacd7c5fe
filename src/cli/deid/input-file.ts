/**
 * How a `medveil deid` worker holds one input file: in one buffer it reuses for every file
 * (allocating and zeroing a fresh 8 MiB buffer per file cost more than the de-identification),
 * with offsets in the buffer equal to offsets in the file.
 *
 * A large file is read sparsely when the kernel can copy ranges: only its first and last bytes,
 * on the bet that everything between is the value of Pixel Data, which de-identification
 * passes through untouched and the writer then copies file to file in the kernel. The bet is
 * checked after parsing (`checkHole`); when it fails, the file is read whole and parsed again.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { DicomFile } from '../../dicom/dicom-file.js';
import { Tag } from '../../dicom/tag.js';

/** Files from this size on are read sparsely. */
const SPARSE_FROM = 2 * 1024 * 1024;
const HEAD = 256 * 1024;
const TAIL = 64 * 1024;

export interface Hole {
  /** First byte not read. */
  readonly start: number;
  /** First byte read again after the hole. */
  readonly end: number;
}

export interface OpenInput {
  readonly fd: number;
  /** The file's bytes (a view of the shared buffer); inside `hole`, whatever the buffer held. */
  readonly bytes: Buffer;
  readonly hole: Hole | undefined;
}

export class HoleNotCovered extends Error {}

export class InputReader {
  private buffer = Buffer.allocUnsafeSlow(0);

  constructor(private readonly sparse: boolean) {}

  open(path: string): OpenInput {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      if (this.buffer.length < size) this.buffer = Buffer.allocUnsafeSlow(Math.max(size, this.buffer.length * 2));
      const bytes = this.buffer.subarray(0, size);
      if (this.sparse && size >= SPARSE_FROM) {
        readFully(fd, bytes, 0, HEAD);
        readFully(fd, bytes, size - TAIL, TAIL);
        return { fd, bytes, hole: { start: HEAD, end: size - TAIL } };
      }
      readFully(fd, bytes, 0, size);
      return { fd, bytes, hole: undefined };
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  /** Reads the hole of a sparsely read file, so that the whole file is in `bytes`. */
  fill(input: OpenInput): OpenInput {
    if (input.hole) readFully(input.fd, input.bytes, input.hole.start, input.hole.end - input.hole.start);
    return { ...input, hole: undefined };
  }
}

/**
 * Throws HoleNotCovered unless the file has a SOP Instance UID and the unread bytes lie inside the value of the top-level Pixel
 * Data, read from this buffer (not inflated), whose header lies before them. The reader parses
 * sequentially and jumps over a value, so then no unread byte was parsed.
 */
export function checkHole(file: DicomFile, input: OpenInput): void {
  const hole = input.hole;
  if (!hole) return;
  // Without a SOP Instance UID the output is named by a digest of every byte of the file.
  if (file.dataset.getString(Tag.SOPInstanceUID) === undefined) throw new HoleNotCovered();
  const pixels = file.dataset.get(Tag.PixelData);
  const value = pixels?.value;
  const source = pixels?.source;
  const covered =
    value !== undefined &&
    source !== undefined &&
    value.buffer === input.bytes.buffer &&
    source.byteOffset < value.byteOffset &&
    value.byteOffset - input.bytes.byteOffset <= hole.start &&
    value.byteOffset - input.bytes.byteOffset + value.length >= hole.end;
  if (!covered) throw new HoleNotCovered();
}

function readFully(fd: number, into: Buffer, position: number, length: number): void {
  let done = 0;
  while (done < length) {
    const n = readSync(fd, into, position + done, length - done, position + done);
    if (n === 0) throw new Error('the file became shorter while it was read');
    done += n;
  }
}
