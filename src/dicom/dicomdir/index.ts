/** DICOMDIR (PS3.3 Annex F, PS3.10 8): lay instances out on media and encode their directory; pure, no file I/O. */
export { type DirectoryRecordType, type EntityRecordType, type InstanceRecordType, instanceRecordTypeFor } from './directory-record-type.js';
export { type DirectoryRecords, type RecordNode, RECORD_IN_USE, buildDirectoryRecords } from './directory-records.js';
export { DEFAULT_FILE_SET_ID, type EncodeDicomdirOptions, type EncodedDicomdir, encodeDicomdir } from './encode-dicomdir.js';
export { MAX_COMPONENT_LENGTH, MAX_FILE_ID_COMPONENTS, checkFileId, ordinalComponent } from './file-id.js';
export { type InstanceHeader, MEDIA_STORAGE_DIRECTORY_STORAGE, instanceHeader } from './instance-header.js';
export {
  type LaidOutInstance, type MediaLayout, type PatientEntry, type SeriesEntry, type StudyEntry,
  MEDIA_ROOT_COMPONENT, layoutInstances, planMediaLayout,
} from './plan-media-layout.js';
export { type DirectoryNode, readDirectoryTree } from './read-directory-tree.js';
export { type Invention, type RecordKey, RECORD_KEYS, recordSourceTags } from './record-keys.js';
