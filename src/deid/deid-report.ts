/**
 * What de-identification did to one dataset, element by element. It names paths, keywords and
 * actions only: never an original or a new value, so it can be logged and stored with no PHI.
 */
import type { DeidOption } from './options.js';

export const DEID_ACTIONS = ['removed', 'emptied', 'replaced', 'remapped', 'shifted', 'kept', 'cleaned'] as const;
export type DeidAction = (typeof DEID_ACTIONS)[number];

export interface DeidReportEntry {
  /** e.g. `(0008,1115)[0]/(0008,1140)[1]/(0008,1155)`; item indexes count from 0. */
  readonly path: string;
  /** The PS3.6 keyword, `PrivateCreator`, or `Private:<creator>:<element byte>`; "" when unknown. */
  readonly keyword: string;
  readonly action: DeidAction;
}

export interface DeidReport {
  readonly recipe: string;
  readonly entries: DeidReportEntry[];
  readonly counts: Record<DeidAction, number>;
  /** Things a reviewer should know; paths and reasons only. */
  readonly warnings: string[];
  /** The value written to Patient Identity Removed (0012,0062). */
  readonly patientIdentityRemoved: boolean;
  /** The options listed in De-identification Method Code Sequence (0012,0064), after 113100. */
  readonly optionsApplied: DeidOption[];
  /** Regions the pixel stage filled, when it ran. */
  readonly pixelRegions: number | undefined;
  /** What the pixel stage did, when it ran before the header was de-identified. */
  readonly pixelStage: PixelStageReport | undefined;
}

/** The pixel stage in the report: rule names and counts, never a value. */
export interface PixelStageReport {
  readonly rulesMatched: readonly string[];
  readonly textFinder: boolean;
  readonly regionsFilled: number;
  /** Frames in which at least one region was filled. */
  readonly framesFilled: number;
  readonly framesWithHighBitsCleared: number;
  /** Overlay groups removed by the stage, as hex (`6000`); their elements are not listed one by one. */
  readonly overlayGroupsRemoved: readonly string[];
  readonly iconSequencesRemoved: number;
  readonly transferSyntaxChanged?: { readonly from: string; readonly to: string };
}

export function emptyCounts(): Record<DeidAction, number> {
  return { removed: 0, emptied: 0, replaced: 0, remapped: 0, shifted: 0, kept: 0, cleaned: 0 };
}
