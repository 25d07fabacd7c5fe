/**
 * Every file pydicom ships as test data, read by us, compared with pydicom, written back and
 * checked with dcmtk. Files that are not DICOM, and files that are DICOM but not valid Part 10
 * (so that a strict writer must change them), are named with the reason.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Dataset } from '../src/dicom/dataset.js';
import { DicomParseError } from '../src/dicom/parse-error.js';
import { readDicomFile } from '../src/dicom/read-dicom-file.js';
import { formatTag } from '../src/dicom/tag.js';
import { encodeDicomFile } from '../src/dicom/write-dicom-file.js';
import { dcmdump, dcmdumpFile } from './support/dcmtk.js';
import { SYSTEM_PYTHON, pydicomData } from './support/pydicom-files.js';

const NOT_DICOM = [
  'charset_files/FileInfo.txt',
  'test_files/README.txt',
  'test_files/dicomdirtests/README.txt',
  'test_files/dicomdirtests/TINY_ALPHA/README',
  'test_files/rtplan.dump',
  'test_files/rtstruct.dump',
  'test_files/test1.json',
  'test_files/test_PN.json',
  'test_files/zipMR.gz',
  // "CT_small.dcm with no File Meta Information", but it starts with a stray 0x20 byte
  // before (0008,0005); dcmtk cannot read it either.
  'test_files/no_meta.dcm',
];

/** Cut short inside a value: a DicomParseError naming the element and the lengths. */
const TRUNCATED = ['test_files/MR_truncated.dcm', 'test_files/rtplan_truncated.dcm'];

/** Valid enough to read, not valid enough to write back unchanged: what the strict writer repairs. */
const REWRITTEN: Record<string, string> = {
  'charset_files/chrJapMulti.dcm': 'wrong (0010,0000) group length; meta SOP Instance UID differs from the data set',
  'charset_files/chrJapMultiExplicitIR6.dcm': 'meta Media Storage SOP Instance UID differs from SOP Instance UID',
  'charset_files/chrKoreanMulti.dcm': 'wrong (0008,0000) and (0010,0000) group lengths',
  'test_files/693_J2KI.dcm': 'wrong (0008,0000), (0028,0000) and (7FE0,0000) group lengths',
  'test_files/ExplVR_BigEndNoMeta.dcm': 'no preamble and no File Meta Information',
  'test_files/ExplVR_LitEndNoMeta.dcm': 'no preamble and no File Meta Information',
  'test_files/rtstruct.dcm': 'no preamble and no File Meta Information',
  'test_files/SC_rgb_jpeg.dcm': 'meta says JPEG Baseline but the data set is implicit VR; rewritten in explicit VR',
  'test_files/badVR.dcm': 'meta Media Storage SOP Instance UID differs from SOP Instance UID',
  'test_files/rtdose.dcm': 'meta Media Storage SOP Instance UID differs from SOP Instance UID',
  'test_files/rtdose_1frame.dcm': 'meta Media Storage SOP Instance UID differs from SOP Instance UID',
  'test_files/rtdose_expb.dcm': 'meta Media Storage SOP Instance UID differs from SOP Instance UID',
  'test_files/rtdose_expb_1frame.dcm': 'meta Media Storage SOP Instance UID differs from SOP Instance UID',
  'test_files/rtplan.dcm': 'meta Media Storage SOP Instance UID differs from SOP Instance UID',
  'test_files/dicomdirtests/DICOMDIR-nooffset': 'the last directory record item declares more bytes than the file holds',
  'test_files/meta_missing_tsyntax.dcm': 'no Transfer Syntax UID in the meta',
  'test_files/nested_priv_SQ.dcm': 'odd value length of (0001,0002)',
  'test_files/no_meta_group_length.dcm': 'no File Meta Information Group Length',
};

type PydicomElement = ['value', number, string | null] | ['items', number] | ['undefined'] | ['converted'];
type PydicomFile = { meta: number; dataset: Record<string, PydicomElement> } | { error: string };

/** Per file, what pydicom reads: each top-level element's raw length and, up to 64 bytes, its value. */
const PYDICOM_SCRIPT = `
import json, sys, warnings
warnings.simplefilter('ignore')
import pydicom
from pydicom.dataelem import RawDataElement

def describe(dataset):
    out = {}
    for tag, elem in dataset._dict.items():
        key = '%08x' % int(tag)
        if isinstance(elem, RawDataElement):
            if elem.length == 0xFFFFFFFF:
                out[key] = ['undefined']
            else:
                value = elem.value.hex() if elem.value is not None and elem.length <= 64 else None
                out[key] = ['value', elem.length, value]
        elif elem.VR == 'SQ':
            out[key] = ['items', len(elem.value)]
        else:
            out[key] = ['converted']
    return out

result = {}
for path in sys.argv[1:]:
    try:
        ds = pydicom.dcmread(path, force=True)
        result[path] = {'meta': len(ds.file_meta._dict), 'dataset': describe(ds)}
    except Exception as error:
        result[path] = {'error': type(error).__name__ + ': ' + str(error)}
print(json.dumps(result))
`;

const data = pydicomData();
const path = (name: string): string => join(data.root, name);

describe('pydicom sample files', () => {
  it('are present: test_files and charset_files with the files this test names', () => {
    assert.ok(data.files.length > 100, `only ${data.files.length} files found`);
    for (const name of [...NOT_DICOM, ...TRUNCATED, ...Object.keys(REWRITTEN)]) {
      assert.ok(data.files.includes(name), `${name} is missing from python3-pydicom`);
    }
  });

  it('files that are not DICOM raise a DicomParseError that says so', () => {
    for (const name of NOT_DICOM) {
      assert.throws(() => readDicomFile(readFileSync(path(name))), (error: unknown) => {
        assert.ok(error instanceof DicomParseError, `${name}: ${String(error)}`);
        assert.match(error.message, /^at byte 0: not DICOM/);
        return true;
      }, name);
    }
    const dcmtk = dcmdumpFile(path('test_files/no_meta.dcm'));
    assert.ok(dcmtk.status !== 0 || dcmtk.errors.length > 0, 'dcmtk also rejects no_meta.dcm');
  });

  it('truncated files raise a DicomParseError naming the element that runs past the end, as dcmtk reports', () => {
    for (const name of TRUNCATED) {
      const bytes = readFileSync(path(name));
      assert.throws(() => readDicomFile(bytes), (error: unknown) => {
        assert.ok(error instanceof DicomParseError, `${name}: ${String(error)}`);
        const match = /^at byte (\d+): element \(([0-9A-F]{4}),([0-9A-F]{4})\) declares (\d+) bytes but only (\d+) remain$/.exec(error.message);
        assert.ok(match, `${name}: ${error.message}`);
        const [offset, declared, remaining] = [Number(match[1]), Number(match[4]), Number(match[5])];
        assert.equal(error.offset, offset);
        assert.ok(declared > remaining);
        // What remains is the rest of the file after the element header (8 or 12 bytes).
        assert.ok([8, 12].includes(bytes.length - offset - remaining), `${name}: ${remaining} remaining`);
        return true;
      }, name);
      assert.ok(dcmdumpFile(path(name)).errors.some((line) => /larger \(\d+\) than remaining bytes/.test(line)), `dcmtk also finds ${name} truncated`);
    }
  });

  const readable = data.files.filter((name) => !NOT_DICOM.includes(name) && !TRUNCATED.includes(name));

  it('every other file is read', () => {
    assert.ok(readable.length > 100);
    for (const name of readable) {
      const file = readDicomFile(readFileSync(path(name)));
      assert.ok(file.dataset.size > 0, `${name}: empty data set`);
    }
  });

  it('agrees with pydicom on every top-level element: count, lengths, values up to 64 bytes, item counts', () => {
    const output = execFileSync(SYSTEM_PYTHON, ['-c', PYDICOM_SCRIPT, ...readable.map(path)], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    const pydicom = JSON.parse(output) as Record<string, PydicomFile>;
    let compared = 0;
    for (const name of readable) {
      const theirs = pydicom[path(name)];
      assert.ok(theirs !== undefined && !('error' in theirs), `${name}: pydicom failed: ${JSON.stringify(theirs)}`);
      const ours = readDicomFile(readFileSync(path(name)));
      assert.equal(ours.meta.size, theirs.meta, `${name}: meta element count`);
      assert.equal(ours.dataset.size, Object.keys(theirs.dataset).length, `${name}: element count`);
      for (const [key, expected] of Object.entries(theirs.dataset)) {
        const tag = parseInt(key, 16);
        const element = ours.dataset.get(tag);
        const where = `${name} ${formatTag(tag)}`;
        assert.ok(element, `${where}: missing`);
        if (expected[0] === 'value' && element.items) {
          // pydicom leaves a sequence of defined length unparsed until it is used.
          const itemBytes = element.items.reduce((sum, item) => sum + (item.source?.length ?? 0), 0);
          assert.equal(itemBytes, expected[1], `${where}: sequence length`);
        } else if (expected[0] === 'value') {
          assert.ok(element.value, `${where}: pydicom has a value`);
          assert.equal(element.value.length, expected[1], `${where}: length`);
          if (expected[2] !== null) assert.equal(Buffer.from(element.value).toString('hex'), expected[2], `${where}: value`);
          compared++;
        } else if (expected[0] === 'items') {
          assert.equal(element.items?.length, expected[1], `${where}: items`);
        } else if (expected[0] === 'undefined') {
          assert.equal(element.undefinedLength, true, `${where}: undefined length`);
        }
      }
    }
    assert.ok(compared > 3000, `only ${compared} values compared`);
  });

  it('an unchanged read-write is byte-identical for every valid Part 10 file', () => {
    let identical = 0;
    for (const name of readable) {
      const bytes = readFileSync(path(name));
      const written = encodeDicomFile(readDicomFile(bytes));
      if (name in REWRITTEN) {
        assert.notDeepEqual(written, bytes, `${name} is listed as rewritten (${REWRITTEN[name]}) but round-trips unchanged`);
      } else {
        assert.ok(Buffer.compare(written, bytes) === 0, `${name}: rewrite differs`);
        identical++;
      }
    }
    assert.ok(identical > 100);
  });

  it('files the strict writer repairs are rewritten with the same content and read back without warnings', () => {
    for (const name of Object.keys(REWRITTEN)) {
      const original = readDicomFile(readFileSync(path(name)));
      const written = encodeDicomFile(original);
      const reread = readDicomFile(written);
      assert.deepEqual(reread.warnings, [], `${name}: ${JSON.stringify(reread.warnings)}`);
      assertSameContent(original.dataset, reread.dataset, name);
    }
  });

  it('dcmtk reads every rewritten file without errors', () => {
    for (const name of readable) {
      const written = encodeDicomFile(readDicomFile(readFileSync(path(name))));
      const result = dcmdump(written);
      assert.equal(result.status, 0, `${name}: dcmdump exit ${result.status}\n${result.errors.join('\n')}`);
      assert.deepEqual(result.errors, [], name);
    }
  });
});

/** Same tags, values (odd values compared with their padding), items and fragments; group lengths ignored. */
function assertSameContent(a: Dataset, b: Dataset, where: string): void {
  const tags = (d: Dataset) => d.tags().filter((tag) => (tag & 0xffff) !== 0);
  assert.deepEqual(tags(b), tags(a), `${where}: tags`);
  for (const tag of tags(a)) {
    const x = a.get(tag)!;
    const y = b.get(tag)!;
    const here = `${where} ${formatTag(tag)}`;
    if (x.items) {
      assert.equal(y.items?.length, x.items.length, `${here}: items`);
      x.items.forEach((item, i) => assertSameContent(item, y.items![i]!, `${here}[${i}]`));
    } else if (x.fragments) {
      assert.deepEqual(y.fragments?.fragments.map(hex), x.fragments.fragments.map(hex), `${here}: fragments`);
    } else {
      assert.equal(hex(y.value), hex(x.value).padEnd(hex(y.value).length, x.value && x.value.length % 2 === 1 ? hex(y.value).slice(-2) : ''), `${here}: value`);
      if (a.encoding.littleEndian === b.encoding.littleEndian) assert.equal(y.vr, x.vr, `${here}: VR`);
    }
  }
}

function hex(bytes: Uint8Array | undefined): string {
  return bytes ? Buffer.from(bytes).toString('hex') : '';
}

