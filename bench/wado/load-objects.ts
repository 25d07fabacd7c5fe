/**
 * Puts the benchmark's objects into each server the way its users would: Orthanc through its REST
 * API (`POST /instances`, one file per request), MedVeil through STOW-RS (PS3.18 10.5, a few
 * files per multipart/related request). Loading is not measured.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MedVeilError } from '../../src/errors.js';

export async function postToOrthanc(options: { url: string; authorization: string; corpusRoot: string; files: readonly string[] }): Promise<void> {
  for (const file of options.files) {
    const response = await fetch(`${options.url}/instances`, {
      method: 'POST',
      headers: { authorization: options.authorization, 'content-type': 'application/dicom' },
      body: readFileSync(join(options.corpusRoot, file)),
    });
    const text = await response.text();
    if (!response.ok) throw new MedVeilError('http', `Orthanc refused ${file}: ${response.status} ${text.slice(0, 200)}`);
  }
}

/** Files per STOW-RS request. */
const STOW_BATCH = 8;

export async function stowToMedveil(options: { url: string; token: string; corpusRoot: string; files: readonly string[] }): Promise<void> {
  for (let first = 0; first < options.files.length; first += STOW_BATCH) {
    const boundary = `bench-${randomBytes(12).toString('hex')}`;
    const parts: Buffer[] = [];
    for (const file of options.files.slice(first, first + STOW_BATCH)) {
      parts.push(Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`), readFileSync(join(options.corpusRoot, file)), Buffer.from('\r\n'));
    }
    parts.push(Buffer.from(`--${boundary}--\r\n`));
    const response = await fetch(`${options.url}/dicom-web/studies`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${options.token}`,
        'content-type': `multipart/related; type="application/dicom"; boundary=${boundary}`,
        accept: 'application/dicom+json',
      },
      body: Buffer.concat(parts),
    });
    const text = await response.text();
    // PS3.18 10.5.3: 200 when every instance was stored; 202 and 409 name failures.
    if (response.status !== 200) throw new MedVeilError('http', `STOW-RS to medveil answered ${response.status}: ${text.slice(0, 300)}`);
  }
}
