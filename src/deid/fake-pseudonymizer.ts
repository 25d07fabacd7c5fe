/**
 * A deterministic stand-in for the keyed Pseudonymizer, for tests of the engine: readable
 * outputs whose shape the assertions can recognise (FAKE text, 2.25. UIDs, a fixed offset).
 * Not keyed, so never for real data.
 */
import { createHash } from 'node:crypto';
import type { Pseudonymizer } from './pseudonymizer.js';

const digest = (text: string): string => createHash('sha256').update(text).digest('hex');

export const FAKE_OFFSET_DAYS = -100;

export function fakePseudonymizer(offsetDays = FAKE_OFFSET_DAYS): Pseudonymizer {
  return {
    uid: (original) => (original.startsWith('1.2.840.10008.') ? original : `2.25.${BigInt(`0x${digest(original).slice(0, 30)}`)}`),
    isWellKnownUid: (uid) => uid.startsWith('1.2.840.10008.'),
    patientId: (original) => (original === '' ? '' : `FAKEID${digest(original).slice(0, 8).toUpperCase()}`),
    patientName: (id) => (id === '' ? '' : `FAKE^${digest(id).slice(0, 6).toUpperCase()}`),
    text: (kind, original, maxLength) => (original === '' ? '' : `FAKE${digest(`${kind}\0${original}`).toUpperCase()}`.slice(0, Math.min(maxLength, 16))),
    dateOffsetDays: () => offsetDays,
  };
}
