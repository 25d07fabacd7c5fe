/**
 * The pure parts of the pixels benchmark: the size a PNG states in its IHDR chunk (PNG
 * specification 11.2.2: the 8-byte signature, then the IHDR chunk's length, type, width and
 * height, big endian), latency summaries, the steady cleaning rate and the results table.
 */
import { quantile } from '../wado/drive-load.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;

/** Width and height of a PNG, or undefined when the bytes do not start like one. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  if (bytes.length < 24 || PNG_SIGNATURE.some((b, i) => bytes[i] !== b)) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') return undefined;
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

export interface LatencySummary {
  readonly requests: number;
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
}

/** Nearest-rank p50 and p95 of latencies in milliseconds, in any order. */
export function summarizeLatencies(latenciesMs: readonly number[]): LatencySummary {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return { requests: sorted.length, p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), max: sorted.at(-1) ?? NaN };
}

/**
 * Images per second once the run is under way: two runs of one command on `small` and `large`
 * images, so that what every run pays once (starting node, the worker threads and their OCR
 * workers) cancels out.
 */
export function steadyRate(small: { images: number; seconds: number }, large: { images: number; seconds: number }): number {
  const images = large.images - small.images;
  const seconds = large.seconds - small.seconds;
  return images > 0 && seconds > 0 ? images / seconds : NaN;
}

/** A markdown table; numbers are formatted by the caller. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** `12.3` for rates and milliseconds, `—` for what was not measured. */
export function figure(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '—';
}
