/**
 * Writes a DICOM file (PS3.10 7.1): preamble, "DICM", rebuilt File Meta Information, data
 * set in the target transfer syntax. Returns chunks for `writev`: unchanged elements and
 * pixel values are views of the input buffer, so bulk data is never copied (except when
 * the byte order changes or the output is deflated).
 */
import { deflateRawSync } from 'node:zlib';
import { MedVeilError } from '../errors.js';
import type { DicomFile } from './dicom-file.js';
import { Tag } from './tag.js';
import { type TransferSyntax, encodingOf, lookupTransferSyntax } from './transfer-syntax.js';
import { ChunkList } from './write-chunk-list.js';
import { writeDatasetInto } from './write-dataset.js';
import { writeFileMeta } from './write-file-meta.js';
import { deflatedSourceFor } from './read-deflated-source.js';

export interface WriteDicomFileOptions {
  /** Transfer syntax to write; default the file's own. */
  readonly transferSyntaxUid?: string;
  /** 'keep' (default) writes the input preamble, or zeros when there was none; 'zero' always writes zeros. */
  readonly preamble?: 'keep' | 'zero';
}

const DICM = new Uint8Array([0x44, 0x49, 0x43, 0x4d]);
const ZERO_PREAMBLE = new Uint8Array(128);

export function writeDicomFile(file: DicomFile, options: WriteDicomFileOptions = {}): Uint8Array[] {
  const uid = options.transferSyntaxUid ?? file.transferSyntaxUid;
  const syntax = targetSyntax(uid, file.transferSyntaxUid);
  checkPixelData(file, syntax);
  const encoding = encodingOf(syntax);

  const body = new ChunkList();
  writeDatasetInto(file.dataset, encoding, body);

  const out = new ChunkList();
  const preamble = options.preamble === 'zero' ? ZERO_PREAMBLE : (file.preamble ?? ZERO_PREAMBLE);
  if (preamble.length !== 128) throw new MedVeilError('dicom-write', `the preamble must be 128 bytes, not ${preamble.length} (PS3.10 7.1)`);
  out.pushSource(preamble);
  out.pushEncoded(DICM);
  // Every data set byte is the input's: the input's implementation still describes the file.
  const unchanged = !body.encoded && !file.dataset.modified && !file.meta.modified && syntax.uid === file.transferSyntaxUid;
  writeFileMeta(file, out, { transferSyntaxUid: syntax.uid, keepImplementation: unchanged });
  if (syntax.deflated) {
    const encoded = body.coalesced();
    // PS3.5 A.5: raw deflate (RFC 1951) of the explicit VR little endian data set.
    out.pushEncoded(deflatedSourceFor(file.dataset, encoded) ?? deflateRawSync(Buffer.concat(encoded)));
  } else {
    out.append(body);
  }
  return out.coalesced();
}

/** The whole file in one buffer: for tests and small files (large ones should `writev` the chunks). */
export function encodeDicomFile(file: DicomFile, options: WriteDicomFileOptions = {}): Buffer {
  return Buffer.concat(writeDicomFile(file, options));
}

function targetSyntax(uid: string, readUid: string): TransferSyntax {
  const known = lookupTransferSyntax(uid);
  if (known !== undefined) return known;
  if (uid === readUid) {
    // Read as explicit VR little endian with a warning; written back the same way under its own UID.
    return { uid, name: uid, explicitVR: true, littleEndian: true, encapsulated: false, deflated: false };
  }
  throw new MedVeilError('dicom-write', `unknown transfer syntax ${uid}`, { hint: 'use one of PS3.6 Table A-1' });
}

/** Pixel Data must already be in the form the target syntax needs: this codec does not compress or decompress. */
function checkPixelData(file: DicomFile, syntax: TransferSyntax): void {
  const pixels = file.dataset.get(Tag.PixelData);
  if (pixels === undefined) return;
  const encapsulated = pixels.fragments !== undefined;
  if (syntax.encapsulated && !encapsulated) {
    throw new MedVeilError('dicom-write', `${syntax.name} needs encapsulated (compressed) Pixel Data, but it is native`, {
      hint: 'compress the pixel data first, or write a native transfer syntax such as 1.2.840.10008.1.2.1',
    });
  }
  if (!syntax.encapsulated && encapsulated) {
    throw new MedVeilError('dicom-write', `${syntax.name} needs native Pixel Data, but it is encapsulated`, {
      hint: 'decompress the pixel data first, or keep the file\'s transfer syntax',
    });
  }
  if (encapsulated && syntax.uid !== file.transferSyntaxUid && lookupTransferSyntax(file.transferSyntaxUid)?.encapsulated) {
    throw new MedVeilError('dicom-write', `the Pixel Data is compressed for ${file.transferSyntaxUid}; relabelling it as ${syntax.uid} would corrupt it`, {
      hint: 'transcode the pixel data first, or keep the file\'s transfer syntax',
    });
  }
}
