/**
 * A minimal ZIP writer (PKWARE APPNOTE 6.3.10): local file headers (4.3.7), data deflated
 * (method 8) or stored (method 0) when deflating does not help, the central directory (4.3.12)
 * and its end record (4.3.16). No ZIP64, no encryption, no extra fields: an export package is
 * far below 4 GiB and 65 535 entries, and a larger one is refused rather than written wrong.
 * Every entry carries the same time (1980-01-01 00:00), so the archive says nothing of when
 * the data were made and the same entries give the same bytes.
 *
 * `zipStream` writes the archive as its entries arrive, holding one entry and the central
 * directory (46 bytes plus the name per entry) at a time, and deflates off the main thread;
 * `writeZip` is the same archive, all at once, for small ones.
 */
import { promisify } from 'node:util';
import { crc32, deflateRaw, deflateRawSync } from 'node:zlib';
import { MedVeilError } from '../errors.js';

export interface ZipEntry {
  /** Relative, "/" between parts, ASCII letters, digits, "_", "-", "." only. */
  readonly name: string;
  readonly data: Uint8Array;
}

const SAFE_NAME = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;
const DOS_DATE_1980_01_01 = (0 << 9) | (1 << 5) | 1;
const MAX_32 = 0xffffffff;
const deflateRawAsync = promisify(deflateRaw);

export function writeZip(entries: readonly ZipEntry[]): Buffer[] {
  const archive = new ZipArchive();
  const chunks = entries.flatMap((entry) => archive.add(entry, deflateRawSync(entry.data)));
  return [...chunks, ...archive.finish()];
}

/** The archive of `entries`, chunk by chunk, as they are read. */
export async function* zipStream(entries: AsyncIterable<ZipEntry> | Iterable<ZipEntry>): AsyncGenerator<Buffer> {
  const archive = new ZipArchive();
  for await (const entry of entries) {
    archive.check(entry);
    yield* archive.add(entry, await deflateRawAsync(entry.data));
  }
  yield* archive.finish();
}

/** The bookkeeping of one archive: names seen, offsets, the central directory. */
class ZipArchive {
  readonly #names = new Set<string>();
  readonly #central: Buffer[] = [];
  #offset = 0;

  /** Refuses a name that could leave the folder, repeats, or an entry past the limits. */
  check(entry: ZipEntry): void {
    if (!SAFE_NAME.test(entry.name) || entry.name.split('/').some((part) => part === '.' || part === '..') || entry.name.length > 0xffff) {
      throw new MedVeilError('usage', 'a ZIP entry name is relative, with letters, digits, "_", "-" and "." only');
    }
    if (this.#names.has(entry.name)) throw new MedVeilError('usage', 'a ZIP entry name appears twice');
    if (this.#names.size >= 0xffff) throw new MedVeilError('usage', 'a ZIP without ZIP64 holds at most 65 535 entries');
  }

  /** The entry's local header, name and body; `deflated` is its data deflated (raw). */
  add(entry: ZipEntry, deflated: Buffer): Buffer[] {
    this.check(entry);
    this.#names.add(entry.name);
    const name = Buffer.from(entry.name, 'ascii');
    const crc = crc32(entry.data);
    const method = deflated.length < entry.data.length ? 8 : 0;
    const body = method === 8 ? deflated : Buffer.from(entry.data.buffer, entry.data.byteOffset, entry.data.byteLength);
    if (entry.data.length > MAX_32 || this.#offset + 30 + name.length + body.length > MAX_32) {
      throw new MedVeilError('usage', 'a ZIP without ZIP64 is at most 4 GiB');
    }
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(DOS_DATE_1980_01_01, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);

    const record = Buffer.alloc(46);
    record.writeUInt32LE(0x02014b50, 0);
    record.writeUInt16LE(20, 4);
    record.writeUInt16LE(20, 6);
    record.writeUInt16LE(0, 8);
    record.writeUInt16LE(method, 10);
    record.writeUInt16LE(0, 12);
    record.writeUInt16LE(DOS_DATE_1980_01_01, 14);
    record.writeUInt32LE(crc, 16);
    record.writeUInt32LE(body.length, 20);
    record.writeUInt32LE(entry.data.length, 24);
    record.writeUInt16LE(name.length, 28);
    record.writeUInt32LE(this.#offset, 42);
    this.#central.push(record, name);
    this.#offset += 30 + name.length + body.length;
    return [local, name, body];
  }

  /** The central directory and its end record. */
  finish(): Buffer[] {
    const centralSize = this.#central.reduce((n, b) => n + b.length, 0);
    if (this.#offset + centralSize > MAX_32) throw new MedVeilError('usage', 'a ZIP without ZIP64 is at most 4 GiB');
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.#names.size, 8);
    end.writeUInt16LE(this.#names.size, 10);
    end.writeUInt32LE(centralSize, 12);
    end.writeUInt32LE(this.#offset, 16);
    return [...this.#central, end];
  }
}
