import { MedVeilError } from '../../errors.js';

/** Sizes and indexes of trees we build or prove from: non-negative safe integers. */
export function requireTreeSize(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new MedVeilError('usage', `${name} must be a non-negative integer up to 2^53 - 1, got ${String(value)}`);
  }
}
