/**
 * File Meta Information (PS3.10 7.1) for a de-identified dataset. The writer rebuilds group 0002
 * from the dataset; this makes an existing meta group agree with it: the media storage UIDs follow
 * the (remapped) SOP Class and Instance UIDs, and the elements naming the sending and receiving
 * systems, or carrying private information, go.
 */
import type { Dataset } from '../dicom/dataset.js';
import { Tag } from '../dicom/tag.js';
import { writeAsciiValues } from './element-text.js';

const IDENTIFYING_META = [
  Tag.FileMetaInformationGroupLength,
  Tag.SourceApplicationEntityTitle,
  Tag.SendingApplicationEntityTitle,
  Tag.ReceivingApplicationEntityTitle,
  Tag.SourcePresentationAddress,
  Tag.SendingPresentationAddress,
  Tag.ReceivingPresentationAddress,
  Tag.PrivateInformationCreatorUID,
  Tag.PrivateInformation,
];

export function deidentifyFileMeta(meta: Dataset, dataset: Dataset): void {
  for (const tag of IDENTIFYING_META) meta.delete(tag);
  const sopInstance = dataset.getString(Tag.SOPInstanceUID);
  const sopClass = dataset.getString(Tag.SOPClassUID);
  if (sopInstance !== undefined) writeAsciiValues(meta, Tag.MediaStorageSOPInstanceUID, 'UI', [sopInstance]);
  else meta.delete(Tag.MediaStorageSOPInstanceUID);
  if (sopClass !== undefined) writeAsciiValues(meta, Tag.MediaStorageSOPClassUID, 'UI', [sopClass]);
}
