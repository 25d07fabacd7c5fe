import type { Dataset } from '../../src/dicom/dataset.js';
import type { DataElement } from '../../src/dicom/element.js';

/** Visits every element of a dataset and of every item of every sequence, depth first. */
export function walkDataset(dataset: Dataset, visit: (element: DataElement, owner: Dataset, depth: number) => void, depth = 0): void {
  for (const element of dataset) {
    visit(element, dataset, depth);
    for (const item of element.items ?? []) walkDataset(item, visit, depth + 1);
  }
}
