/**
 * What a stopped `medveil serve` recorded as ingested, read back with the command an auditor uses
 * (`medveil audit tail --json`), and whether its audit log still verifies with the public key
 * (`medveil audit verify`). A store counts only when its `ingest` event says it was stored now:
 * a refusal, or a re-send found unchanged, is not a file ingested.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { AuditEvent } from '../../src/audit/event/audit-event.js';
import { MedVeilError } from '../../src/errors.js';

export interface IngestRecord {
  /** SOP Instance UIDs recorded as stored. */
  readonly stored: ReadonlySet<string>;
  /** Events of ingests refused, or found unchanged. */
  readonly refused: number;
  readonly unchanged: number;
  /** Patient references of the stored instances (the opaque ids care relationships name). */
  readonly patientRefs: ReadonlySet<string>;
  /** `medveil audit verify` accepted the log. */
  readonly logVerifies: boolean;
}

export function readIngestEvents(medveilBin: string, dataDir: string, via: 'c-store' | 'stow-rs'): IngestRecord {
  const db = join(dataDir, 'audit.sqlite');
  const tail = spawnSync(process.execPath, [medveilBin, 'audit', 'tail', '--db', db, '--json', '-n', '100000000'], { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
  if (tail.status !== 0) throw new MedVeilError('io', `medveil audit tail failed: ${tail.stderr}`);
  const stored = new Set<string>();
  const patientRefs = new Set<string>();
  let refused = 0;
  let unchanged = 0;
  for (const line of tail.stdout.split('\n')) {
    if (line === '') continue;
    const event = JSON.parse(line) as AuditEvent;
    if (event.type !== 'ingest' || event.detail?.via !== via) continue;
    if (event.outcome !== 'success') refused++;
    else if (event.detail.result === 'unchanged') unchanged++;
    else {
      for (const object of event.objects ?? []) {
        if (object.instance !== undefined) stored.add(object.instance);
        if (object.patient !== undefined) patientRefs.add(object.patient);
      }
    }
  }
  const verify = spawnSync(process.execPath, [medveilBin, 'audit', 'verify', '--db', db, '--key', join(dataDir, 'keys', 'audit-log.pub')], { encoding: 'utf8' });
  return { stored, refused, unchanged, patientRefs, logVerifies: verify.status === 0 };
}
