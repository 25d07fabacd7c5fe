/**
 * A minimal ZIP writer (PKWARE APPNOTE 6.3.10): local file headers (4.3.7), data deflated
 * (method 8) or stored (method 0) when deflating does not help, the central directory (4.3.12)
 * and its end record (4.3.16). No ZIP64, no encryption, no extra fields: an export package is
 * far below 4 GiB and 65 535 entries, and a larger one is refused rather than written wrong.
 * Every entry carries the same time (1980-01-01 00:00), so the archive says nothing of when
 * the data were made and the same entries give the same bytes. Pure: returns the chunks.
 */
import { crc32, deflateRawSync } from 'node:zlib';
import { MedVeilError } from '../errors.js';

export interface ZipEntry {
  /** Relative, "/" between parts, ASCII letters, digits, "_", "-", "." only. */
  readonly name: string;
  readonly data: Uint8Array;
}

const SAFE_NAME = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;
const DOS_DATE_1980_01_01 = (0 << 9) | (1 << 5) | 1;
const MAX_32 = 0xffffffff;

export function writeZip(entries: readonly ZipEntry[]): Buffer[] {
  if (entries.length > 0xffff) throw new MedVeilError('usage', 'a ZIP without ZIP64 holds at most 65 535 entries');
  const chunks: Buffer[] = [];
  const central: Buffer[] = [];
  const names = new Set<string>();
  let offset = 0;
  for (const entry of entries) {
    if (!SAFE_NAME.test(entry.name) || entry.name.split('/').some((part) => part === '.' || part === '..') || entry.name.length > 0xffff) {
      throw new MedVeilError('usage', 'a ZIP entry name is relative, with letters, digits, "_", "-" and "." only');
    }
    if (names.has(entry.name)) throw new MedVeilError('usage', 'a ZIP entry name appears twice');
    names.add(entry.name);
    const name = Buffer.from(entry.name, 'ascii');
    const crc = crc32(entry.data);
    const deflated = deflateRawSync(entry.data);
    const method = deflated.length < entry.data.length ? 8 : 0;
    const body = method === 8 ? deflated : Buffer.from(entry.data.buffer, entry.data.byteOffset, entry.data.byteLength);
    if (entry.data.length > MAX_32 || offset + 30 + name.length + body.length > MAX_32) {
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
    chunks.push(local, name, body);

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
    record.writeUInt32LE(offset, 42);
    central.push(record, name);
    offset += 30 + name.length + body.length;
  }
  const centralSize = central.reduce((n, b) => n + b.length, 0);
  if (offset + centralSize > MAX_32) throw new MedVeilError('usage', 'a ZIP without ZIP64 is at most 4 GiB');
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return [...chunks, ...central, end];
}
