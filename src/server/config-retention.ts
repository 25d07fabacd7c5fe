/**
 * The `retention` section of the server config (docs/retention.md).
 *
 * - `defaultHours`: how long an expiring copy (export package, cached render, temporary file)
 *   lives when whoever made it named no expiry; 72 by default (issue 6), at most 30 days.
 * - `purgeSeconds`: how often the purge job runs; it also runs at start-up.
 */
import type { MedVeilError } from '../errors.js';

export const RETENTION_DEFAULT_CONFIG_TEXT = `retention:
  defaultHours: 72
  purgeSeconds: 300
`;

export interface RetentionConfig {
  readonly defaultHours: number;
  readonly purgeSeconds: number;
}

type Problem = (message: string) => MedVeilError;

function whole(value: unknown, key: string, min: number, max: number, problem: Problem): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw problem(`${key} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

export function readRetentionConfig(section: Record<string, unknown>, problem: Problem): RetentionConfig {
  return {
    defaultHours: whole(section.defaultHours, 'retention.defaultHours', 1, 24 * 30, problem),
    purgeSeconds: whole(section.purgeSeconds, 'retention.purgeSeconds', 1, 86_400, problem),
  };
}
