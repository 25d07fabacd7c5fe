/** The DICOM JSON Model of PS3.18 Annex F.2: both directions and the types. */
export { datasetToJson, type DatasetToJsonOptions } from './dataset-to-json.js';
export { stringifyDicomJson } from './stringify-dicom-json.js';
export { jsonToDataset, JSON_MODEL_LIMITS, type JsonToDatasetOptions } from './json-to-dataset.js';
export {
  jsonTagKey, type DicomJsonAttribute, type DicomJsonObject, type DicomJsonPersonName, type DicomJsonValue,
} from './dicom-json-object.js';
