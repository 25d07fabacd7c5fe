/**
 * What the pixels benchmark burns into each image, decided from a seed so that every corpus
 * build is the same: the patient's name in the top left (the device's header band, which the
 * bench's pixel rule covers), the ID and birth date below it, the institution top right, the
 * accession number bottom left and the date and time bottom right, each in a font and size of
 * its own, the two bottom lines grey. Names and numbers are invented.
 */
import { createHash } from 'node:crypto';

export const SIZE = 2048;

/** The bench rule's rectangle: the name line, not the lines below it. */
export const RULE_REGION = { left: 0, top: 0, width: 1100, height: 110 } as const;

export interface PlannedText {
  readonly text: string;
  readonly x: number;
  readonly y: number;
  readonly font: string;
  readonly size: number;
  /** Brightness, a fraction of the full range. */
  readonly value: number;
}

export interface ImagePlan {
  readonly patientName: string;
  readonly patientId: string;
  readonly birthDate: string;
  readonly studyDate: string;
  readonly accession: string;
  readonly studyUid: string;
  readonly seriesUid: string;
  readonly sopInstanceUid: string;
  /** Mean brightness of the background, 0..1. */
  readonly level: number;
  /** None for an image without burned-in text. */
  readonly texts: readonly PlannedText[];
}

const FONTS = ['DejaVu Sans', 'DejaVu Sans Mono', 'DejaVu Serif', 'Liberation Sans', 'Liberation Serif', 'Liberation Mono'] as const;
const FAMILY = ['HALVORSEN', 'NAKAMURA', 'OKONKWO', 'VASQUEZ', 'BERGSTROM', 'LINDQVIST', 'FONTAINE', 'WOJCIK', 'ABERNATHY', 'MORETTI', 'SZABO', 'ODUYA'] as const;
const GIVEN = ['INGRID', 'YUKIKO', 'CHIDINMA', 'LUCIANA', 'ANNIKA', 'SOREN', 'MARGAUX', 'ALEKSANDRA', 'COLETTE', 'MATTEO', 'ZSOFIA', 'TEMITOPE'] as const;
const SITES = ['KLINIKUM NORDSTADT', 'ST ELSEWHERE CR2', 'RIVERSIDE GENERAL', 'HOSPITAL CENTRAL 3'] as const;

/** Images with text first, then those without. */
export function planImages(counts: { withText: number; withoutText: number }): ImagePlan[] {
  const random = seededRandom(0x5eed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const digits = (n: number): string => Array.from({ length: n }, (_, i) => String(Math.floor(random() * (i === 0 ? 9 : 10)) + (i === 0 ? 1 : 0))).join('');
  const plans: ImagePlan[] = [];
  for (let i = 0; i < counts.withText + counts.withoutText; i++) {
    const patientName = `${pick(FAMILY)}^${pick(GIVEN)}`;
    const patientId = digits(8);
    const birth = `${1930 + Math.floor(random() * 80)}-${pad(1 + Math.floor(random() * 12))}-${pad(1 + Math.floor(random() * 28))}`;
    const study = `2026-${pad(1 + Math.floor(random() * 11))}-${pad(1 + Math.floor(random() * 28))}`;
    const accession = digits(7);
    const uid = (kind: number) => `2.25.${kind}${String(i).padStart(4, '0')}${digits(12)}`;
    const withText = i < counts.withText;
    const nameSize = 34 + Math.floor(random() * 10);
    const lineSize = 26 + Math.floor(random() * 8);
    const site = pick(SITES);
    const time = `${study} ${pad(Math.floor(random() * 24))}:${pad(Math.floor(random() * 60))}`;
    // The header lines are white; the lines at the bottom grey, as some devices draw them, so that
    // weaker strokes reach OCR instead of being filled for their strength alone.
    const grey = () => 0.5 + Math.floor(random() * 30) / 100;
    const texts: PlannedText[] = !withText ? [] : [
      { text: patientName, x: 40, y: 30, font: pick(FONTS), size: nameSize, value: 1 },
      { text: `ID ${patientId}`, x: 40, y: 130, font: pick(FONTS), size: lineSize, value: 1 },
      { text: `DOB ${birth}`, x: 40, y: 130 + Math.round(lineSize * 1.6), font: pick(FONTS), size: lineSize, value: 1 },
      { text: site, x: rightAligned(site, lineSize), y: 40, font: pick(FONTS), size: lineSize, value: 1 },
      { text: `ACC ${accession}`, x: 40, y: SIZE - 40 - lineSize * 2, font: pick(FONTS), size: lineSize, value: grey() },
      { text: time, x: rightAligned(time, lineSize), y: SIZE - 40 - lineSize * 2, font: pick(FONTS), size: lineSize, value: grey() },
    ];
    plans.push({
      patientName,
      patientId,
      birthDate: birth.replaceAll('-', ''),
      studyDate: study.replaceAll('-', ''),
      accession,
      studyUid: uid(1),
      seriesUid: uid(2),
      sopInstanceUid: uid(3),
      level: 0.3 + random() * 0.15,
      texts,
    });
  }
  return plans;
}

/** The x at which a text of this size ends about 48 pixels from the right edge (an advance of 0.62 em per character at most). */
function rightAligned(text: string, size: number): number {
  return SIZE - 48 - Math.ceil(text.length * size * 0.62);
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Numbers in [0, 1) from SHA-256 of the seed and a counter: the same seed gives the same corpus. */
export function seededRandom(seed: number): () => number {
  let counter = 0;
  return () => createHash('sha256').update(`${seed}:${counter++}`).digest().readUInt32BE(0) / 2 ** 32;
}
