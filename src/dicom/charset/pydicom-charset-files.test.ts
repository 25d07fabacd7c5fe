/**
 * Peer test against pydicom: every text value of every file in pydicom's `charset_files`
 * must decode as pydicom decodes it, and re-encode to the same bytes. The raw bytes come from
 * pydicom too, so this test does not depend on our DICOM reader.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { EXPLICIT_LITTLE } from '../dataset.js';
import { decodeStrings } from '../values.js';
import type { VR } from '../vr.js';
import { decodeText, encodeText } from './index.js';

const PYTHON = '/usr/bin/python3';

/** Prints {file: [{path, vr, charsets, hex, values}]} for the PN/LO/SH/ST/LT/UT/UC values, sequences included. */
const PEER_SCRIPT = String.raw`
import json, sys, os, glob
import pydicom
from pydicom.dataelem import RawDataElement
from pydicom.multival import MultiValue
TEXT = {'PN', 'LO', 'SH', 'ST', 'LT', 'UT', 'UC'}
def terms(ds, inherited):
    if 0x00080005 not in ds:
        return inherited
    raw = ds.get_item(0x00080005)
    if isinstance(raw, RawDataElement):
        return [t.strip(' \0') for t in raw.value.decode('ascii').split('\\')]
    v = ds[0x00080005].value
    return [str(t) for t in v] if isinstance(v, MultiValue) else [str(v)]
def walk(ds, inherited, path, out):
    cs = terms(ds, inherited)
    for tag in list(ds.keys()):
        raw = ds.get_item(tag)
        elem = ds[tag]
        if elem.VR == 'SQ':
            for i, item in enumerate(elem.value):
                walk(item, cs, path + ['%08x' % int(tag), str(i)], out)
            continue
        if elem.VR not in TEXT or not isinstance(raw, RawDataElement) or not raw.value:
            continue
        value = elem.value
        values = list(value) if isinstance(value, MultiValue) else [value]
        texts = ['='.join(v.components) if elem.VR == 'PN' else str(v) for v in values]
        out.append({'path': path + ['%08x' % int(tag)], 'vr': elem.VR, 'charsets': cs,
                    'hex': raw.value.hex(), 'values': texts})
result = {}
for f in sorted(glob.glob(os.path.join(sys.argv[1], '*.dcm'))):
    out = []
    walk(pydicom.dcmread(f), [], [], out)
    result[os.path.basename(f)] = out
json.dump(result, sys.stdout)
`;

interface PeerValue {
  path: string[];
  vr: VR;
  charsets: string[];
  hex: string;
  values: string[];
}

function charsetFilesFolder(): string {
  let listing = '';
  try {
    listing = execFileSync('dpkg', ['-L', 'python3-pydicom'], { encoding: 'utf8' });
  } catch (cause) {
    assert.fail(`pydicom is not installed (dpkg -L python3-pydicom failed: ${String(cause)}); install python3-pydicom`);
  }
  const folder = listing.split('\n').find((line) => /data\/charset_files$/.test(line));
  assert.ok(folder, 'python3-pydicom has no data/charset_files folder');
  return folder;
}

const peer: Record<string, PeerValue[]> = JSON.parse(
  execFileSync(PYTHON, ['-c', PEER_SCRIPT, charsetFilesFolder()], { encoding: 'utf8', maxBuffer: 64 << 20 }),
);

/** pydicom drops empty trailing component groups of a PN ("Wang^XiaoDong=王^小東=" → two groups). */
function withoutTrailingEmptyGroups(value: string): string {
  return value.replace(/=+$/, '');
}

/** Value fields are padded to even length with a space (PS3.5 6.2); the padding is not the text. */
function withoutPadding(bytes: Uint8Array): Buffer {
  let end = bytes.length;
  while (end > 0 && (bytes[end - 1] === 0x20 || bytes[end - 1] === 0x00)) end -= 1;
  return Buffer.from(bytes.subarray(0, end));
}

/** chrSQEncoding.dcm and chrSQEncoding1.dcm: the ISO 2022 IR 13 item value returns to G0 with ESC ( B. */
function writtenByNonStandardWriter(file: string, value: PeerValue): boolean {
  return /^chrSQEncoding1?\.dcm$/.test(file) && value.vr === 'PN' && value.path.length > 1;
}

/**
 * Two files encode what the standard encodes otherwise; no encoder can reproduce both them and
 * the standard's examples, since the text and character sets are the same. We write the
 * standard's form, and check that the only difference is the one named here:
 * - chrSQEncoding*.dcm returns to G0 with ESC ( B (ASCII), but value 1 is ISO 2022 IR 13, whose
 *   G0 is JIS X 0201 Roman, designated by ESC ( J (PS3.5 6.1.2.5.3), as the standard's example
 *   chrH32.dcm does.
 * - chrKoreanMulti.dcm (an Agfa writer) adds ESC ( B before every reset point after Korean text
 *   although G0 held ASCII all along; the standard's Korean example, chrI2.dcm, does not.
 */
function asStandardWriterWouldWrite(file: string, bytes: Buffer): Buffer {
  const text = bytes.toString('latin1');
  if (/^chrSQEncoding1?\.dcm$/.test(file)) {
    return Buffer.from(text.replaceAll('\x1b(B', '\x1b(J'), 'latin1');
  }
  if (file === 'chrKoreanMulti.dcm') return Buffer.from(text.replaceAll('\x1b(B', ''), 'latin1');
  return bytes;
}

test('pydicom charset_files: every file is there and has text values', () => {
  const files = Object.keys(peer);
  for (const name of ['chrH31.dcm', 'chrH32.dcm', 'chrI2.dcm', 'chrX1.dcm', 'chrX2.dcm', 'chrSQEncoding.dcm', 'chrKoreanMulti.dcm']) {
    assert.ok(files.includes(name), `${name} missing from pydicom's charset_files`);
  }
  for (const [name, values] of Object.entries(peer)) assert.ok(values.length > 0, `${name}: no text values`);
});

for (const [file, values] of Object.entries(peer)) {
  test(`decodeText() reads every text value of ${file} as pydicom does`, () => {
    for (const value of values) {
      const bytes = Buffer.from(value.hex, 'hex');
      const warnings: string[] = [];
      decodeText(bytes, value.charsets, value.vr, { warnings });
      const expectedWarnings = writtenByNonStandardWriter(file, value)
        ? ['escape sequence ESC ( B designates ISO-IR 6 (ASCII), which Specific Character Set does not declare; applied']
        : [];
      assert.deepEqual(warnings, expectedWarnings, `${file} ${value.path.join('/')}: warnings`);
      const ours = decodeStrings({ tag: parseInt(value.path.at(-1)!, 16), vr: value.vr, value: bytes }, EXPLICIT_LITTLE, value.charsets);
      const comparable = value.vr === 'PN' ? ours.map(withoutTrailingEmptyGroups) : ours;
      assert.deepEqual(comparable, value.values, `${file} ${value.path.join('/')} (${value.vr}, ${value.charsets.join('\\')})`);
    }
  });

  test(`encodeText(decodeText(b)) gives back the bytes of every text value of ${file}`, () => {
    for (const value of values) {
      const bytes = Buffer.from(value.hex, 'hex');
      const text = decodeText(bytes, value.charsets, value.vr);
      const expected = asStandardWriterWouldWrite(file, withoutPadding(bytes));
      const encoded = withoutPadding(encodeText(text, value.charsets, value.vr));
      assert.equal(encoded.toString('hex'), expected.toString('hex'), `${file} ${value.path.join('/')} (${value.charsets.join('\\')}): ${text}`);
    }
  });
}
