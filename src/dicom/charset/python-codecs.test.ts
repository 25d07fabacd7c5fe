/**
 * Peer test against Python's codecs (the ones pydicom uses for each term): every character of
 * every code table, decoded and encoded by us, must match Python's, byte for byte. Each table
 * becomes one value: all of its characters in one run, framed by the escape sequences DICOM
 * uses for it, so the expected bytes are also what our encoder must write.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { decodeText, encodeText } from './index.js';

const PYTHON = '/usr/bin/python3';

const PEER_SCRIPT = String.raw`
import json, sys
ESC = b'\x1b'
cases = []
def single(name, charsets, codec, codes):
    raw, text = b'', ''
    for b in codes:
        try:
            ch = bytes([b]).decode(codec)
        except UnicodeDecodeError:
            continue
        raw += bytes([b]); text += ch
    cases.append({'name': name, 'charsets': charsets, 'hex': raw.hex(), 'text': text, 'skipped': []})
def double(name, charsets, head, tail, decode_cell, high, skip=()):
    raw, text, skipped = head, '', []
    for a in range(0x21, 0x7f):
        for b in range(0x21, 0x7f):
            if (a << 8 | b) in skip:
                skipped.append('%04x' % (a << 8 | b)); continue
            try:
                ch = decode_cell(a, b)
            except UnicodeDecodeError:
                continue
            if len(ch) != 1 or '\ufffd' in ch:
                continue
            raw += bytes([a | high, b | high]); text += ch
    cases.append({'name': name, 'charsets': charsets, 'hex': (raw + tail).hex(), 'text': text, 'skipped': skipped})
graphic = list(range(0x20, 0x7f)) + list(range(0xa0, 0x100))
for term, codec in [('ISO_IR 100', 'latin_1'), ('ISO_IR 101', 'iso8859_2'), ('ISO_IR 109', 'iso8859_3'),
                    ('ISO_IR 110', 'iso8859_4'), ('ISO_IR 144', 'iso_ir_144'), ('ISO_IR 127', 'iso_ir_127'),
                    ('ISO_IR 126', 'iso_ir_126'), ('ISO_IR 138', 'iso_ir_138'), ('ISO_IR 148', 'iso_ir_148'),
                    ('ISO_IR 203', 'iso8859_15'), ('ISO_IR 166', 'iso_ir_166')]:
    single(term, [term], codec, graphic)
single('ISO_IR 13', ['ISO_IR 13'], 'shift_jis', list(range(0x20, 0x7f)) + list(range(0xa1, 0xe0)))
double('ISO 2022 IR 87', ['', 'ISO 2022 IR 87'], ESC + b'$B', ESC + b'(B',
       lambda a, b: (ESC + b'$B' + bytes([a, b]) + ESC + b'(B').decode('iso2022_jp'), 0)
double('ISO 2022 IR 159', ['', 'ISO 2022 IR 159'], ESC + b'$(D', ESC + b'(B',
       lambda a, b: (ESC + b'$(D' + bytes([a, b]) + ESC + b'(B').decode('iso2022_jp_2'), 0)
double('ISO 2022 IR 149', ['', 'ISO 2022 IR 149'], ESC + b'$)C', b'',
       lambda a, b: bytes([a | 0x80, b | 0x80]).decode('euc_kr'), 0x80)
double('ISO 2022 IR 58', ['', 'ISO 2022 IR 58'], ESC + b'$)A', b'',
       lambda a, b: bytes([a | 0x80, b | 0x80]).decode('gb2312'), 0x80)
# GB18030 and GBK: every two-byte character, then (GB18030) every four-byte character of the BMP.
for term, codec in [('GBK', 'gbk'), ('GB18030', 'gb18030')]:
    raw, text, skipped = b'', '', []
    for a in range(0x81, 0xff):
        for b in list(range(0x40, 0x7f)) + list(range(0x80, 0xff)):
            cell = bytes([a, b])
            if term == 'GB18030' and cell == b'\xa8\xbc':
                skipped.append(cell.hex()); continue
            try:
                ch = cell.decode(codec)
            except UnicodeDecodeError:
                continue
            raw += cell; text += ch
    if term == 'GB18030':
        for cp in list(range(0x80, 0xd800)) + list(range(0xe000, 0x10000)) + [0x10000, 0x20000, 0x10ffff]:
            cell = chr(cp).encode(codec)
            if len(cell) != 4: continue
            if cp == 0x1e3f:
                skipped.append(cell.hex()); continue
            raw += cell; text += chr(cp)
    cases.append({'name': term, 'charsets': [term], 'hex': raw.hex(), 'text': text, 'skipped': skipped})
json.dump(cases, sys.stdout)
`;

interface TableCase {
  name: string;
  charsets: string[];
  hex: string;
  text: string;
  skipped: string[];
}

const cases: TableCase[] = JSON.parse(execFileSync(PYTHON, ['-c', PEER_SCRIPT], { encoding: 'utf8', maxBuffer: 256 << 20 }));

test('Python gives a table for every term we compare', () => {
  assert.deepEqual(cases.map((c) => c.name).sort(), [
    'GB18030', 'GBK', 'ISO 2022 IR 149', 'ISO 2022 IR 159', 'ISO 2022 IR 58', 'ISO 2022 IR 87', 'ISO_IR 100', 'ISO_IR 101',
    'ISO_IR 109', 'ISO_IR 110', 'ISO_IR 126', 'ISO_IR 127', 'ISO_IR 13', 'ISO_IR 138', 'ISO_IR 144', 'ISO_IR 148',
    'ISO_IR 166', 'ISO_IR 203',
  ]);
});

/**
 * Cells where we knowingly differ from Python, skipped by the script above: GB18030-2005 moved
 * U+1E3F to A8BC (from 8135F437, where GB18030-2000 and Python have it); we follow 2005.
 */
const KNOWN_DIFFERENCES: Readonly<Record<string, readonly string[]>> = {
  GB18030: ['a8bc', '8135f437'],
};

for (const c of cases) {
  test(`"${c.charsets.join('\\')}": all ${[...c.text].length} characters decode and encode as Python's codec does`, () => {
    assert.deepEqual(c.skipped, KNOWN_DIFFERENCES[c.name] ?? []);
    const expected = Buffer.from(c.hex, 'hex');
    const warnings: string[] = [];
    const decoded = decodeText(expected, c.charsets, 'LT', { warnings });
    assert.deepEqual(warnings, []);
    assert.equal(firstDifference(decoded, c.text), undefined);
    const encoded = Buffer.from(encodeText(c.text, c.charsets, 'LT'));
    assert.equal(encoded.equals(expected), true, `first differing byte at ${[...encoded].findIndex((b, i) => b !== expected[i])}`);
  });
}

function firstDifference(ours: string, theirs: string): string | undefined {
  const a = [...ours];
  const b = [...theirs];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `character ${i}: ours ${escape(a[i] ?? '')}, Python ${escape(b[i] ?? '')}`;
  }
  return undefined;
}
