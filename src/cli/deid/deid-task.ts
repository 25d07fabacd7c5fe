import type { DeidAction } from '../../deid/deid-report.js';
import type { PixelStageFlags } from './pixel-stage-setup.js';

/** What the main thread sends a de-identification worker. */
export interface DeidWorkerSetup extends PixelStageFlags {
  readonly key: Uint8Array;
  readonly recipePath: string | undefined;
  readonly outputRoot: string;
  readonly quarantineRoot: string;
  readonly recordMapping: boolean;
  readonly writeReports: boolean;
  /** Send back which attributes (by keyword) got which action, for the end-of-run explanation. */
  readonly explain: boolean;
}

export interface DeidTask {
  readonly path: string;
  readonly relativePath: string;
}

export type DeidOutcome =
  | {
      readonly kind: 'written';
      readonly outputPath: string;
      readonly bytesIn: number;
      readonly bytesOut: number;
      readonly actions: Partial<Record<DeidAction, number>>;
      readonly warnings: number;
      readonly report: unknown;
      /** `[keyword, action]` pairs, each once per file; only when the run explains itself. */
      readonly keywords: [keyword: string, action: DeidAction][];
      readonly mappings: [kind: string, original: string, pseudonym: string][];
    }
  | { readonly kind: 'quarantined'; readonly quarantinePath: string; readonly reason: string; readonly bytesIn: number }
  | { readonly kind: 'skipped'; readonly reason: string; readonly bytesIn: number };
