/**
 * Re-encodes a data set between the native transfer syntaxes (implicit VR little endian,
 * explicit VR little and big endian, PS3.5 A.1-A.3) with our reader and writer, for a
 * sub-operation whose peer accepted another syntax than the one the instance is held in.
 * Encapsulated and deflated syntaxes would need a pixel or zlib codec and are not converted.
 */
import { readDataset } from '../dicom/read-dataset.js';
import { encodingOf, lookupTransferSyntax } from '../dicom/transfer-syntax.js';
import { writeDataset } from '../dicom/write-dataset.js';
import { MedVeilError } from '../errors.js';

export function canTranscode(from: string, to: string): boolean {
  if (from === to) return true;
  const a = lookupTransferSyntax(from);
  const b = lookupTransferSyntax(to);
  return a !== undefined && b !== undefined && !a.encapsulated && !b.encapsulated && !a.deflated && !b.deflated;
}

export function transcodeDataSet(dataSet: readonly Uint8Array[], from: string, to: string): readonly Uint8Array[] {
  if (from === to) return dataSet;
  if (!canTranscode(from, to)) throw new MedVeilError('dimse', `cannot convert a data set from transfer syntax ${from} to ${to}`);
  const bytes = dataSet.length === 1 ? dataSet[0]! : Buffer.concat(dataSet);
  const { dataset } = readDataset(bytes, encodingOf(lookupTransferSyntax(from)!));
  return writeDataset(dataset, encodingOf(lookupTransferSyntax(to)!));
}
