/**
 * Peer test against DCMTK: what our encoder writes, DCMTK's `dcmconv +U8` (which decodes
 * every text value with the file's Specific Character Set, escape sequences included, and
 * writes it again as UTF-8) must read as the text we started from. This covers the Chinese and
 * Korean code extensions that pydicom's sample files lack. DCMTK here converts through glibc's
 * iconv, which has no ISO-IR 87/159, and DCMTK 3.6.7 does not know ISO_IR 203, so those are left to
 * the pydicom and Python peers.
 *
 * pydicom writes the file around our bytes and reads DCMTK's UTF-8 bytes back.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { VR } from '../vr.js';
import { encodeText } from './index.js';

const PYTHON = '/usr/bin/python3';

const PEER_SCRIPT = String.raw`
import json, os, subprocess, sys
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.dataelem import RawDataElement
from pydicom.uid import ExplicitVRLittleEndian
cases = json.load(sys.stdin)
folder = sys.argv[1]
result = []
for index, case in enumerate(cases):
    ds = Dataset()
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = '1.2.840.10008.5.1.4.1.1.7'
    meta.MediaStorageSOPInstanceUID = '1.2.3.%d' % (index + 1)
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta = meta
    ds.is_little_endian = True
    ds.is_implicit_VR = False
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.add_new(0x00080005, 'CS', case['charsets'])
    raw = bytes.fromhex(case['hex'])
    if len(raw) % 2:
        raw += b' '
    ds.add_new(int(case['tag'], 16), case['vr'], raw)
    source = os.path.join(folder, '%d.dcm' % index)
    converted = os.path.join(folder, '%d-utf8.dcm' % index)
    ds.save_as(source, write_like_original=False)
    done = subprocess.run(['dcmconv', '+U8', source, converted], capture_output=True, text=True)
    if done.returncode != 0:
        result.append({'error': done.stderr.strip() or ('dcmconv exit %d' % done.returncode)})
        continue
    back = pydicom.dcmread(converted)
    result.append({'charset': str(back.SpecificCharacterSet),
                   'hex': bytes(back.get_item(int(case['tag'], 16)).value).hex()})
json.dump(result, sys.stdout)
`;

interface Case {
  readonly charsets: string[];
  readonly vr: VR;
  readonly tag: string;
  readonly text: string;
}

const PATIENT_NAME = '00100010';
const STUDY_DESCRIPTION = '00081030';
const PATIENT_COMMENTS = '00104000';
const OTHER_PATIENT_NAMES = '00101001';

const CASES: readonly Case[] = [
  { charsets: ['', 'ISO 2022 IR 58'], vr: 'PN', tag: PATIENT_NAME, text: 'Zhang^XiaoDong=张^小东=' },
  { charsets: ['', 'ISO 2022 IR 58'], vr: 'LT', tag: PATIENT_COMMENTS, text: '患者说明\r\n第二行\t结束' },
  { charsets: ['', 'ISO 2022 IR 58'], vr: 'LO', tag: STUDY_DESCRIPTION, text: '胸部CT平扫 增强' },
  { charsets: ['GBK'], vr: 'PN', tag: PATIENT_NAME, text: 'Wang^XiaoDong=王^小東' },
  { charsets: ['GBK'], vr: 'PN', tag: OTHER_PATIENT_NAMES, text: '乗^乗\\王^小东' },
  { charsets: ['GB18030'], vr: 'PN', tag: PATIENT_NAME, text: 'Wang^XiaoDong=王^小东' },
  { charsets: ['GB18030'], vr: 'LO', tag: STUDY_DESCRIPTION, text: '€ 𠀀 㐀 ḿ' },
  { charsets: ['', 'ISO 2022 IR 149'], vr: 'PN', tag: PATIENT_NAME, text: 'Hong^Gildong=洪^吉洞=홍^길동' },
  { charsets: ['', 'ISO 2022 IR 149'], vr: 'PN', tag: OTHER_PATIENT_NAMES, text: '김희중\\김희중' },
  { charsets: ['', 'ISO 2022 IR 149'], vr: 'LT', tag: PATIENT_COMMENTS, text: '첫 줄\r\n둘째 줄' },
  { charsets: ['ISO 2022 IR 100', 'ISO 2022 IR 144'], vr: 'PN', tag: PATIENT_NAME, text: 'Müller^Jürgen=Мюллер^Юрген' },
  { charsets: ['ISO 2022 IR 100', 'ISO 2022 IR 126'], vr: 'LO', tag: STUDY_DESCRIPTION, text: 'Ärzte Δοκιμή ü' },
  { charsets: ['ISO_IR 100'], vr: 'PN', tag: PATIENT_NAME, text: 'Buc^Jérôme' },
  { charsets: ['ISO_IR 101'], vr: 'LO', tag: STUDY_DESCRIPTION, text: 'Łódź Kraków' },
  { charsets: ['ISO_IR 109'], vr: 'LO', tag: STUDY_DESCRIPTION, text: 'Ħal Għargħur' },
  { charsets: ['ISO_IR 110'], vr: 'LO', tag: STUDY_DESCRIPTION, text: 'Ķēdainiai' },
  { charsets: ['ISO_IR 144'], vr: 'PN', tag: PATIENT_NAME, text: 'Люксембург' },
  { charsets: ['ISO_IR 127'], vr: 'PN', tag: PATIENT_NAME, text: 'قباني^لنزار' },
  { charsets: ['ISO_IR 126'], vr: 'PN', tag: PATIENT_NAME, text: 'Διονυσιος' },
  { charsets: ['ISO_IR 138'], vr: 'PN', tag: PATIENT_NAME, text: 'שרון^דבורה' },
  { charsets: ['ISO_IR 148'], vr: 'LO', tag: STUDY_DESCRIPTION, text: 'Ağrı Şişli' },
  { charsets: ['ISO 2022 IR 100', 'ISO 2022 IR 101'], vr: 'LO', tag: STUDY_DESCRIPTION, text: 'Müller Łódź' },
  { charsets: ['', 'ISO 2022 IR 149', 'ISO 2022 IR 58'], vr: 'PN', tag: PATIENT_NAME, text: '洪^东=홍^东' },
  { charsets: ['ISO_IR 166'], vr: 'LO', tag: STUDY_DESCRIPTION, text: 'สมชาย' },
  { charsets: ['ISO_IR 192'], vr: 'PN', tag: PATIENT_NAME, text: 'Wang^XiaoDong=王^小東=' },
  { charsets: ['ISO_IR 192'], vr: 'LO', tag: STUDY_DESCRIPTION, text: 'Ünïcödé 😀' },
];

function dcmtkReads(cases: readonly Case[]): Array<{ charset?: string; hex?: string; error?: string }> {
  const folder = mkdtempSync(join(tmpdir(), 'medveil-dcmtk-charsets-'));
  try {
    const input = JSON.stringify(cases.map((c) => ({ ...c, hex: Buffer.from(encodeText(c.text, c.charsets, c.vr)).toString('hex') })));
    return JSON.parse(execFileSync(PYTHON, ['-c', PEER_SCRIPT, folder], { input, encoding: 'utf8', maxBuffer: 16 << 20 }));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

test('dcmconv is installed (dcmtk)', () => {
  assert.match(execFileSync('dcmconv', ['--version'], { encoding: 'utf8' }), /dcmconv/);
});

const results = dcmtkReads(CASES);

CASES.forEach((c, index) => {
  test(`DCMTK reads what encodeText() writes for "${c.charsets.join('\\')}" ${c.vr} ${JSON.stringify(c.text)}`, () => {
    const result = results[index]!;
    assert.equal(result.error, undefined);
    assert.equal(result.charset, 'ISO_IR 192');
    const utf8 = Buffer.from(result.hex!, 'hex').toString('utf8').replace(/ $/, '');
    assert.equal(utf8, c.text);
  });
});
