/**
 * The images of the burned-in text acceptance test (issue 5, acceptance 1): CR, DX and
 * ultrasound-like images with names, IDs and dates in their corners as modalities burn them,
 * in several fonts and sizes, each written in the transfer syntaxes MedVeil reads. Our encoders
 * write what MedVeil writes; dcmtk (`dcmcjpeg`, `dcmcjpls`) and GDCM (`gdcmconv`) write what it
 * only reads (JPEG lossless, JPEG extended, JPEG-LS near-lossless, lossy JPEG 2000) and JPEG
 * baseline YBR_FULL_422, from the Explicit VR Little Endian file.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dataset } from '../../src/dicom/dataset.js';
import type { DicomFile } from '../../src/dicom/dicom-file.js';
import { sequenceElement } from '../../src/dicom/element.js';
import { readDicomFile } from '../../src/dicom/read-dicom-file.js';
import { Tag } from '../../src/dicom/tag.js';
import { encodeDicomFile } from '../../src/dicom/write-dicom-file.js';
import type { FrameGeometry } from '../../src/pixels/frame-codec.js';
import { transcodeFrames } from '../../src/pixels/transcode-frames.js';
import { writeFrames } from '../../src/pixels/write-frames.js';
import { type BurnedInText, type BurnedInTextFileOptions, type BurnedInTextSpec, burnedInTextFile, renderBurnedInText } from './burned-in-text.js';

export const SYNTAX = {
  implicitLittle: '1.2.840.10008.1.2',
  explicitLittle: '1.2.840.10008.1.2.1',
  deflated: '1.2.840.10008.1.2.1.99',
  explicitBig: '1.2.840.10008.1.2.2',
  rle: '1.2.840.10008.1.2.5',
  jpegBaseline: '1.2.840.10008.1.2.4.50',
  jpegExtended: '1.2.840.10008.1.2.4.51',
  jpegLossless: '1.2.840.10008.1.2.4.57',
  jpegLosslessSv1: '1.2.840.10008.1.2.4.70',
  jpegLs: '1.2.840.10008.1.2.4.80',
  jpegLsNear: '1.2.840.10008.1.2.4.81',
  jpeg2000Lossless: '1.2.840.10008.1.2.4.90',
  jpeg2000: '1.2.840.10008.1.2.4.91',
  htj2kLossless: '1.2.840.10008.1.2.4.201',
  htj2kRpcl: '1.2.840.10008.1.2.4.202',
  htj2k: '1.2.840.10008.1.2.4.203',
} as const;

/** How a file in a syntax is made from the Explicit VR Little Endian one. */
export type Producer =
  | { readonly by: 'medveil'; readonly syntax: string }
  | { readonly by: 'peer'; readonly syntax: string; readonly command: string; readonly args: readonly string[]; readonly lossy: boolean };

const ours = (syntax: string): Producer => ({ by: 'medveil', syntax });
const peer = (syntax: string, command: string, args: readonly string[], lossy: boolean): Producer => ({ by: 'peer', syntax, command, args, lossy });

export const PEER = {
  jpegLossless: peer(SYNTAX.jpegLossless, 'dcmcjpeg', ['+el'], false),
  jpegLosslessSv1: peer(SYNTAX.jpegLosslessSv1, 'dcmcjpeg', ['+e1'], false),
  jpegBaseline: peer(SYNTAX.jpegBaseline, 'dcmcjpeg', ['+eb'], true),
  jpegBaseline422: peer(SYNTAX.jpegBaseline, 'dcmcjpeg', ['+eb', '+s2'], true),
  jpegExtended: peer(SYNTAX.jpegExtended, 'dcmcjpeg', ['+ee'], true),
  jpegLsNear: peer(SYNTAX.jpegLsNear, 'dcmcjpls', ['+en', '+md', '3'], true),
  jpeg2000Lossy: peer(SYNTAX.jpeg2000, 'gdcmconv', ['--j2k', '--lossy', '-r', '5'], true),
} as const;

export interface BurnedInSource {
  readonly name: string;
  readonly file: BurnedInTextFileOptions;
  /** One spec per frame; a frame without text has no texts. */
  readonly frames: readonly BurnedInTextSpec[];
  /** A 128 x 128 thumbnail with text, put into an Icon Image Sequence (PS3.3 F.7). */
  readonly icon?: BurnedInTextSpec;
  /** Native YBR_FULL_422 (PS3.3 C.7.6.3.1.2), converted from the RGB the file options give. */
  readonly ybrFull422?: boolean;
  readonly producers: readonly Producer[];
}

const CORNER_FONTS = {
  name: 'DejaVu Sans',
  id: 'Liberation Mono',
  date: 'Liberation Serif',
  site: 'DejaVu Sans Mono',
  serif: 'DejaVu Serif',
  sans: 'Liberation Sans',
} as const;

export const BURNED_IN_SOURCES: readonly BurnedInSource[] = [
  {
    name: 'CR 12 of 16 bits MONOCHROME2 1024 x 1024',
    file: { modality: 'CR', bitsStored: 12 },
    frames: [{
      width: 1024, height: 1024, bits: 16, background: { kind: 'anatomy-like', seed: 11, level: 0.35 },
      texts: [
        { text: 'NAKAMURA^YUKIKO', x: 24, y: 18, font: CORNER_FONTS.name, size: 26 },
        { text: 'ID 58213907', x: 24, y: 56, font: CORNER_FONTS.id, size: 20 },
        { text: 'DOB 1961-07-04', x: 24, y: 84, font: CORNER_FONTS.date, size: 20 },
        { text: 'KLINIKUM NORDSTADT', x: 760, y: 18, font: CORNER_FONTS.sans, size: 20 },
        { text: '2025-11-02 09:41', x: 800, y: 990, font: CORNER_FONTS.serif, size: 18 },
      ],
    }],
    producers: [
      ours(SYNTAX.explicitLittle), ours(SYNTAX.implicitLittle), ours(SYNTAX.explicitBig), ours(SYNTAX.deflated), ours(SYNTAX.rle),
      ours(SYNTAX.jpegLs), ours(SYNTAX.jpeg2000Lossless), ours(SYNTAX.htj2kLossless), ours(SYNTAX.htj2kRpcl), ours(SYNTAX.htj2k),
      PEER.jpegLossless, PEER.jpegLosslessSv1, PEER.jpegLsNear,
    ],
  },
  {
    name: 'DX 16-bit MONOCHROME1 2048 x 2048',
    file: { modality: 'DX', photometricInterpretation: 'MONOCHROME1' },
    frames: [{
      width: 2048, height: 2048, bits: 16, background: { kind: 'anatomy-like', seed: 12, level: 0.4 },
      texts: [
        { text: 'OKONKWO^CHIDINMA', x: 48, y: 40, font: CORNER_FONTS.date, size: 44 },
        { text: 'MRN 40072215', x: 48, y: 104, font: CORNER_FONTS.id, size: 34 },
        { text: 'ACC 8830146', x: 1580, y: 40, font: CORNER_FONTS.name, size: 30 },
        { text: '14/03/2026', x: 1680, y: 1960, font: CORNER_FONTS.site, size: 32 },
      ],
    }],
    producers: [ours(SYNTAX.explicitLittle), ours(SYNTAX.jpegLs)],
  },
  {
    name: 'DX 8-bit MONOCHROME1 1024 x 1024',
    file: { modality: 'DX', photometricInterpretation: 'MONOCHROME1' },
    frames: [{
      width: 1024, height: 1024, bits: 8, background: { kind: 'anatomy-like', seed: 13, level: 0.3 },
      texts: [
        { text: 'VASQUEZ^LUCIANA', x: 20, y: 16, font: CORNER_FONTS.serif, size: 24 },
        { text: 'PATIENT 77120934', x: 20, y: 50, font: CORNER_FONTS.sans, size: 20 },
        { text: '03.09.1978', x: 860, y: 16, font: CORNER_FONTS.id, size: 20 },
        { text: 'WARDSIDE 2B', x: 20, y: 980, font: CORNER_FONTS.name, size: 18 },
      ],
    }],
    producers: [
      ours(SYNTAX.explicitLittle), ours(SYNTAX.rle), ours(SYNTAX.jpegBaseline), ours(SYNTAX.jpegLs), ours(SYNTAX.htj2kLossless),
      PEER.jpegExtended, PEER.jpegLosslessSv1,
    ],
  },
  {
    name: 'CR 8-bit MONOCHROME2 1024 x 1024 on a dark gradient',
    file: { modality: 'CR' },
    frames: [{
      width: 1024, height: 1024, bits: 8, background: { kind: 'gradient', seed: 14, level: 0.15 },
      texts: [
        { text: 'HALVORSEN^INGRID', x: 30, y: 20, font: CORNER_FONTS.id, size: 22 },
        { text: 'ID 30558721', x: 30, y: 52, font: CORNER_FONTS.date, size: 24 },
        { text: '2019-12-30', x: 30, y: 976, font: CORNER_FONTS.sans, size: 24 },
      ],
    }],
    producers: [ours(SYNTAX.explicitLittle), PEER.jpegBaseline],
  },
  {
    name: 'US RGB 800 x 600 with a header band',
    file: { modality: 'US', photometricInterpretation: 'RGB' },
    frames: [ultrasoundSpec(21, [
      { text: 'BERGSTROM^ANNIKA', x: 12, y: 8, font: CORNER_FONTS.name, size: 18 },
      { text: 'ID 66401298', x: 12, y: 34, font: CORNER_FONTS.id, size: 16 },
      { text: '2026-01-17', x: 660, y: 8, font: CORNER_FONTS.serif, size: 18 },
      { text: 'LIVER RIGHT LOBE', x: 16, y: 540, font: CORNER_FONTS.name, size: 20 },
      { text: 'TIS 0.7 MI 1.2', x: 620, y: 540, font: CORNER_FONTS.site, size: 18 },
    ])],
    producers: [
      ours(SYNTAX.explicitLittle), ours(SYNTAX.rle), ours(SYNTAX.jpegBaseline), ours(SYNTAX.jpegLs), ours(SYNTAX.jpeg2000Lossless),
      ours(SYNTAX.htj2kLossless), PEER.jpeg2000Lossy,
    ],
  },
  {
    name: 'US planar RGB 800 x 600',
    file: { modality: 'US', photometricInterpretation: 'RGB', planarConfiguration: 1 },
    frames: [ultrasoundSpec(22, [
      { text: 'ODUYA^TEMITOPE', x: 12, y: 10, font: CORNER_FONTS.date, size: 20 },
      { text: 'RIGHT KIDNEY', x: 20, y: 556, font: CORNER_FONTS.name, size: 20 },
      { text: 'ACC 5512078', x: 620, y: 556, font: CORNER_FONTS.id, size: 16 },
    ])],
    producers: [ours(SYNTAX.explicitLittle), ours(SYNTAX.rle)],
  },
  {
    name: 'US YBR_FULL_422 800 x 600',
    file: { modality: 'US', photometricInterpretation: 'RGB' },
    ybrFull422: true,
    frames: [ultrasoundSpec(23, [
      { text: 'FONTAINE^MARGAUX', x: 12, y: 8, font: CORNER_FONTS.serif, size: 18 },
      { text: 'LEFT THYROID', x: 16, y: 556, font: CORNER_FONTS.sans, size: 20 },
      { text: '22/08/2025', x: 640, y: 560, font: CORNER_FONTS.id, size: 18 },
    ])],
    producers: [ours(SYNTAX.explicitLittle)],
  },
  {
    name: 'US RGB 800 x 600 as JPEG baseline YBR_FULL_422 (dcmcjpeg)',
    file: { modality: 'US', photometricInterpretation: 'RGB' },
    frames: [ultrasoundSpec(24, [
      { text: 'ABERNATHY^COLETTE', x: 12, y: 8, font: CORNER_FONTS.name, size: 20 },
      { text: 'PORTAL VEIN', x: 16, y: 556, font: CORNER_FONTS.date, size: 22 },
      { text: 'PID 20417736', x: 580, y: 556, font: CORNER_FONTS.site, size: 20 },
    ])],
    producers: [PEER.jpegBaseline422],
  },
  {
    name: 'US RGB 640 x 480, four frames, text on the third only',
    file: { modality: 'US', photometricInterpretation: 'RGB' },
    frames: [0, 1, 2, 3].map((frame) => ({
      width: 640, height: 480, bits: 8 as const, background: { kind: 'anatomy-like' as const, seed: 30 + frame, level: 0.25 },
      texts: frame !== 2 ? [] : [
        { text: 'LINDQVIST^SOREN', x: 20, y: 400, font: CORNER_FONTS.serif, size: 20 },
        { text: 'ID 91837465', x: 20, y: 436, font: CORNER_FONTS.id, size: 18 },
        { text: '2024-06-09', x: 500, y: 440, font: CORNER_FONTS.name, size: 18 },
      ],
    })),
    producers: [ours(SYNTAX.rle), ours(SYNTAX.htj2kLossless)],
  },
  {
    name: 'CR 8-bit MONOCHROME2 512 x 512 with an icon thumbnail with text',
    file: { modality: 'CR' },
    frames: [{
      width: 512, height: 512, bits: 8, background: { kind: 'anatomy-like', seed: 40, level: 0.3 },
      texts: [{ text: 'WOJCIK^ALEKSANDRA', x: 12, y: 10, font: CORNER_FONTS.name, size: 18 }],
    }],
    icon: {
      width: 128, height: 128, bits: 8, background: { kind: 'dark', level: 0.1 },
      texts: [
        { text: 'KOWALSKI', x: 6, y: 8, font: CORNER_FONTS.sans, size: 20 },
        { text: '73920455', x: 6, y: 40, font: CORNER_FONTS.name, size: 20 },
      ],
    },
    producers: [ours(SYNTAX.explicitLittle), ours(SYNTAX.jpegLs)],
  },
];

/** An ultrasound-like frame: a dark field with a sector of speckle, texts in the header band and corners. */
function ultrasoundSpec(seed: number, texts: BurnedInTextSpec['texts']): BurnedInTextSpec {
  return { width: 800, height: 600, bits: 8, background: { kind: 'anatomy-like', seed, level: 0.22 }, texts };
}

/** The tokens planted in a spec: its words split at spaces and ^, those of 4 letters and digits or more. */
export function plantedTokens(spec: BurnedInTextSpec): string[] {
  return spec.texts.flatMap((text) => text.text.split(/[\s^]+/)).filter((word) => word.replace(/[^A-Za-z0-9]/g, '').length >= 4);
}

export interface RenderedSource {
  readonly source: BurnedInSource;
  readonly frames: readonly BurnedInText[];
  readonly icon?: BurnedInText;
}

export function renderSource(source: BurnedInSource): RenderedSource {
  return {
    source,
    frames: source.frames.map((spec) => renderBurnedInText(spec)),
    ...(source.icon === undefined ? {} : { icon: renderBurnedInText(source.icon) }),
  };
}

/** The source's file in `producer`'s syntax, read back from its encoded bytes. */
export async function sourceFile(rendered: RenderedSource, producer: Producer): Promise<DicomFile> {
  const file = await burnedInTextFile(rendered.frames, rendered.source.file);
  if (rendered.source.ybrFull422 === true) toYbrFull422(file);
  if (rendered.icon !== undefined) addIcon(file, rendered.icon);
  if (producer.by === 'peer') return convertWithTool(file, producer.command, producer.args, producer.syntax);
  if ([SYNTAX.implicitLittle, SYNTAX.explicitBig, SYNTAX.deflated].includes(producer.syntax as never)) {
    return readDicomFile(encodeDicomFile(file, { transferSyntaxUid: producer.syntax }));
  }
  if (producer.syntax !== SYNTAX.explicitLittle) await transcodeFrames(file, producer.syntax);
  return readDicomFile(encodeDicomFile(file));
}

/**
 * Rewrites an 8-bit interleaved RGB file's Pixel Data as YBR_FULL_422: Y per pixel, Cb and Cr
 * per pair of pixels from their mean colour (PS3.3 C.7.6.3.1.2 full-range equations).
 */
function toYbrFull422(file: DicomFile): void {
  const pixelData = file.dataset.get(Tag.PixelData)!.value!;
  const rows = file.dataset.getNumber(Tag.Rows)!;
  const columns = file.dataset.getNumber(Tag.Columns)!;
  const frames = (file.dataset.getNumber(Tag.NumberOfFrames) ?? 1);
  const out = new Uint8Array(frames * rows * columns * 2);
  const clamp = (value: number): number => Math.max(0, Math.min(255, Math.round(value)));
  for (let pair = 0; pair < (frames * rows * columns) / 2; pair++) {
    const rgb = [0, 1].map((k) => [...pixelData.subarray((pair * 2 + k) * 3, (pair * 2 + k) * 3 + 3)] as [number, number, number]);
    const y = rgb.map(([r, g, b]) => clamp(0.299 * r + 0.587 * g + 0.114 * b));
    const [r, g, b] = [0, 1, 2].map((s) => (rgb[0]![s]! + rgb[1]![s]!) / 2) as [number, number, number];
    out.set([y[0]!, y[1]!, clamp(-0.1687 * r - 0.3313 * g + 0.5 * b + 128), clamp(0.5 * r - 0.4187 * g - 0.0813 * b + 128)], pair * 4);
  }
  const geometry: FrameGeometry = {
    rows, columns, samplesPerPixel: 3, bitsAllocated: 8, bitsStored: 8, pixelRepresentation: 0,
    photometricInterpretation: 'YBR_FULL_422', planarConfiguration: 0,
  };
  const frameLength = rows * columns * 2;
  writeFrames(file, {
    transferSyntaxUid: SYNTAX.explicitLittle,
    geometry,
    frames: Array.from({ length: frames }, (_, f) => out.subarray(f * frameLength, (f + 1) * frameLength)),
  });
}

function addIcon(file: DicomFile, icon: BurnedInText): void {
  const item = new Dataset(file.dataset.encoding, file.dataset);
  const us = (tag: number, value: number): void => item.set({ tag, vr: 'US', value: new Uint8Array([value & 0xff, value >> 8]) });
  us(Tag.SamplesPerPixel, 1);
  item.setString(Tag.PhotometricInterpretation, 'MONOCHROME2');
  us(Tag.Rows, icon.rows);
  us(Tag.Columns, icon.columns);
  us(Tag.BitsAllocated, 8);
  us(Tag.BitsStored, 8);
  us(Tag.HighBit, 7);
  us(Tag.PixelRepresentation, 0);
  item.set({ tag: Tag.PixelData, vr: 'OB', value: new Uint8Array(icon.pixels as Uint8Array) });
  file.dataset.set(sequenceElement(Tag.IconImageSequence, [item]));
}

function convertWithTool(file: DicomFile, command: string, args: readonly string[], syntax: string): DicomFile {
  const folder = mkdtempSync(join(tmpdir(), 'medveil-burned-in-'));
  try {
    const input = join(folder, 'in.dcm');
    const output = join(folder, 'out.dcm');
    writeFileSync(input, encodeDicomFile(file));
    const run = spawnSync(command, [...args, input, output], { encoding: 'utf8' });
    if (run.error !== undefined) throw new Error(`${command} could not run: install the Debian packages dcmtk and libgdcm-tools`, { cause: run.error });
    if (run.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${run.stderr}${run.stdout}`);
    const converted = readDicomFile(readFileSync(output));
    if (converted.transferSyntaxUid !== syntax) throw new Error(`${command} ${args.join(' ')} wrote ${converted.transferSyntaxUid}, not ${syntax}`);
    return converted;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
