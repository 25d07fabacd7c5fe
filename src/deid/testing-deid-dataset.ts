/**
 * Helpers for the tests of the de-identification engine (never imported by it): a run with the
 * fake pseudonymizer, a pixel stage report, and items and sequences built in place.
 */
import { Dataset } from '../dicom/dataset.js';
import { sequenceElement } from '../dicom/element.js';
import type { DeidReport } from './deid-report.js';
import { deidentifyDataset } from './deidentify-dataset.js';
import { fakePseudonymizer } from './fake-pseudonymizer.js';
import type { PixelCleaning } from './pixel-cleaning.js';
import { type RecipeInit, createRecipe } from './recipe.js';

export const fake = fakePseudonymizer();

export function run(dataset: Dataset, init: RecipeInit = {}, pixelCleaning?: PixelCleaning): DeidReport {
  return deidentifyDataset(dataset, { recipe: createRecipe(init), pseudonymizer: fake, pixelCleaning });
}

/** What the pixel stage reports; by default one rule matched and filled two regions in one frame. */
export function stage(init: Partial<PixelCleaning> = {}): PixelCleaning {
  return {
    rulesMatched: ['Acme Sono header'],
    regionsPerFrame: [2],
    framesWithHighBitsCleared: 0,
    overlayGroupsRemoved: [],
    iconSequencesRemoved: 0,
    textFinder: false,
    ...init,
  };
}

export function item(parent: Dataset, fill: (item: Dataset) => void): Dataset {
  const child = new Dataset(parent.encoding, parent);
  fill(child);
  return child;
}

export function addSequence(parent: Dataset, tag: number, ...fills: ((item: Dataset) => void)[]): Dataset[] {
  const items = fills.map((fill) => item(parent, fill));
  parent.set(sequenceElement(tag, items));
  return items;
}
