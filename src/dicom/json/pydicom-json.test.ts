/**
 * The DICOM JSON Model against a real peer: pydicom's sample JSON and DICOM files, and what
 * pydicom's `to_json_dict()` / `Dataset.from_json()` make of them. pydicom is the Debian
 * package (python3-pydicom) run with the system Python; these tests fail, never skip, without it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readDicomFile } from '../read-dicom-file.js';
import { isPrivateTag } from '../tag.js';
import { numericWidth, type VR } from '../vr.js';
import { datasetToJson } from './dataset-to-json.js';
import type { DicomJsonAttribute, DicomJsonObject } from './dicom-json-object.js';
import { jsonToDataset } from './json-to-dataset.js';

const SYSTEM_PYTHON = '/usr/bin/python3';

function pydicomDataDir(name: 'test_files' | 'charset_files'): string {
  const listing = execFileSync('dpkg', ['-L', 'python3-pydicom'], { encoding: 'utf8' });
  const dir = listing.split('\n').find((line) => new RegExp(`data/${name}$`).test(line));
  assert.ok(dir, `pydicom's data/${name} folder is missing: apt-get install python3-pydicom`);
  return dir;
}

/** Runs a Python program under the system Python (where pydicom is), JSON in on stdin, JSON out. */
function python(program: string, input: unknown): unknown {
  const out = execFileSync(SYSTEM_PYTHON, ['-c', program], { input: JSON.stringify(input), maxBuffer: 1 << 30, encoding: 'utf8' });
  return JSON.parse(out);
}

const PYDICOM_TO_JSON = `
import json, sys, warnings, pydicom
warnings.simplefilter('ignore')
paths = json.load(sys.stdin)
json.dump({p: pydicom.dcmread(p, force=True).to_json_dict() for p in paths}, sys.stdout, allow_nan=False)
`;

const PYDICOM_FROM_JSON = `
import json, sys, warnings, pydicom
warnings.simplefilter('ignore')
objects = json.load(sys.stdin)
json.dump({k: pydicom.Dataset.from_json(v).to_json_dict() for k, v in objects.items()}, sys.stdout, allow_nan=False)
`;

const BINARY_NUMBERS: ReadonlySet<string> = new Set(['US', 'SS', 'UL', 'SL', 'FL', 'FD', 'AT', 'SV', 'UV']);

/**
 * Differences that PS3.18 F.2 allows, or where pydicom departs from it, made equal on both sides:
 * - Group Length attributes: "shall not be included" (F.2.2); pydicom keeps them.
 * - An empty sequence or value has no "Value" (F.2.5); pydicom writes `Value: []`.
 * - Empty values in a multi-valued attribute are null (F.2.5); pydicom writes "".
 * - A person name holds its non-empty component groups (F.2.2); pydicom always writes Alphabetic.
 * - IS, DS, SV and UV may be numbers or strings (Table F.2.3-1); FL may be any decimal that reads
 *   back as the same 32-bit float.
 * - Private elements that we read as UN where pydicom's private dictionary knows the VR.
 * - InlineBinary of OW/OF/OL/OD/OV from a big endian file: PS3.5 byte order rules apply (F.2.7),
 *   so ours is little endian; pydicom copies the bytes as read.
 * - Odd-length binary values (invalid, PS3.5 7.1.1) are padded when they become a dataset again.
 * - Binary VRs cannot hold an empty value, so nulls in them are dropped (with a warning).
 */
function comparable(ours: DicomJsonObject, theirs: DicomJsonObject, theirsBigEndian = false): [unknown, unknown] {
  const a: Record<string, unknown> = {};
  const b: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(ours), ...Object.keys(theirs)])) {
    const tag = parseInt(key, 16) >>> 0;
    if ((tag & 0xffff) === 0) continue;
    const x = ours[key];
    const y = theirs[key];
    if (x && y && isPrivateTag(tag) && x.vr === 'UN' && y.vr !== 'UN') {
      a[key] = b[key] = 'private element of a VR only a private dictionary knows';
      continue;
    }
    if (x?.vr === 'SQ' && y?.vr === 'SQ' && x.Value && y.Value && x.Value.length === y.Value.length) {
      const pairs = x.Value.map((item, i) => comparable(item as DicomJsonObject, y.Value![i] as DicomJsonObject, theirsBigEndian));
      a[key] = { vr: 'SQ', Value: pairs.map(([p]) => p) };
      b[key] = { vr: 'SQ', Value: pairs.map(([, q]) => q) };
      continue;
    }
    if (x) a[key] = comparableAttribute(x, false);
    if (y) b[key] = comparableAttribute(y, theirsBigEndian);
  }
  return [a, b];
}

function comparableAttribute(attribute: DicomJsonAttribute, bigEndian: boolean): unknown {
  const { vr } = attribute;
  const out: Record<string, unknown> = { vr };
  if (attribute.InlineBinary !== undefined) {
    let bytes: Uint8Array = new Uint8Array(Buffer.from(attribute.InlineBinary, 'base64'));
    const width = numericWidth(vr);
    if (bigEndian && width > 1) bytes = swap(bytes, width);
    out['InlineBinary'] = Buffer.from(bytes.length % 2 === 0 ? bytes : [...bytes, 0]).toString('base64');
  }
  if (attribute.BulkDataURI !== undefined) out['BulkDataURI'] = attribute.BulkDataURI;
  if (attribute.Value !== undefined) {
    let values = attribute.Value.map((v) => comparableValue(vr, v));
    if (BINARY_NUMBERS.has(vr)) values = values.filter((v) => v !== null);
    if (values.some((v) => v !== null)) out['Value'] = values;
  }
  return out;
}

function comparableValue(vr: VR, value: unknown): unknown {
  if (value === null || value === '') return null;
  if (vr === 'PN' && typeof value === 'object') {
    const groups = Object.entries(value as Record<string, string>).filter(([, g]) => g !== '');
    return groups.length === 0 ? null : Object.fromEntries(groups);
  }
  if ((vr === 'SV' || vr === 'UV') && (typeof value === 'number' || typeof value === 'string')) return BigInt(value).toString();
  if ((vr === 'IS' || vr === 'DS') && typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) {
    return Number(value) + 0;
  }
  if (vr === 'FL' && typeof value === 'number') return Math.fround(value) + 0;
  if (typeof value === 'number') return value + 0;
  return value;
}

function swap(bytes: Uint8Array, width: number): Uint8Array {
  const out = Uint8Array.from(bytes);
  for (let at = 0; at + width <= bytes.length; at += width) {
    for (let k = 0; k < width; k++) out[at + k] = bytes[at + width - 1 - k]!;
  }
  return out;
}

/**
 * PS3.18 F.2.2 and F.2.5: keys are uppercase hex tags, no group lengths, no empty Value. (The
 * order of keys is the business of `stringifyDicomJson`, tested beside it.)
 */
function assertCanonical(json: DicomJsonObject, where: string): void {
  for (const key of Object.keys(json)) {
    assert.match(key, /^[0-9A-F]{8}$/, where);
    assert.notEqual(parseInt(key, 16) & 0xffff, 0, `${where}: no group length`);
    const attribute = json[key]!;
    assert.ok(attribute.Value === undefined || attribute.Value.length > 0, `${where} ${key}: no empty Value array`);
    if (attribute.vr === 'SQ') attribute.Value?.forEach((item, i) => assertCanonical(item as DicomJsonObject, `${where} ${key}[${i}]`));
  }
}

/** A value of odd length (invalid, PS3.5 7.1.1, but in nested_priv_SQ.dcm) gets its padding byte in a dataset. */
function withEvenInlineBinary(json: DicomJsonObject): DicomJsonObject {
  const out: DicomJsonObject = {};
  for (const [key, attribute] of Object.entries(json)) {
    const copy = { ...attribute };
    if (copy.InlineBinary !== undefined) {
      const bytes = Buffer.from(copy.InlineBinary, 'base64');
      if (bytes.length % 2 === 1) copy.InlineBinary = Buffer.concat([bytes, Buffer.alloc(1)]).toString('base64');
    }
    if (copy.vr === 'SQ' && copy.Value) copy.Value = copy.Value.map((item) => withEvenInlineBinary(item as DicomJsonObject));
    out[key] = copy;
  }
  return out;
}

const SAMPLE_FILES = [
  'test_files/CT_small.dcm', 'test_files/rtplan.dcm', 'test_files/rtstruct.dcm', 'test_files/rtdose.dcm',
  'test_files/test-SR.dcm', 'test_files/reportsi.dcm', 'test_files/priv_SQ.dcm', 'test_files/nested_priv_SQ.dcm',
  'test_files/UN_sequence.dcm', 'test_files/JPEG2000.dcm', 'test_files/ExplVR_BigEnd.dcm', 'test_files/MR_small_bigendian.dcm',
  'test_files/waveform_ecg.dcm', 'test_files/SC_rgb_small_odd.dcm', 'test_files/empty_charset_LEI.dcm',
];
const BIG_ENDIAN_FILES: ReadonlySet<string> = new Set(['test_files/ExplVR_BigEnd.dcm', 'test_files/MR_small_bigendian.dcm']);

function sampleFiles(): Map<string, string> {
  const files = new Map<string, string>();
  const testFiles = pydicomDataDir('test_files');
  for (const name of SAMPLE_FILES) files.set(name, join(testFiles, '..', name));
  const charsetFiles = pydicomDataDir('charset_files');
  const charsetNames = readdirSync(charsetFiles).filter((f) => /^chr.*\.dcm$/.test(f)).sort();
  assert.ok(charsetNames.includes('chrSQEncoding.dcm'), 'pydicom charset_files has its chr*.dcm files');
  for (const name of charsetNames) files.set(`charset_files/${name}`, join(charsetFiles, name));
  return files;
}

for (const name of ['test1.json', 'test_PN.json']) {
  test(`pydicom's ${name} → dataset → JSON gives the same attributes back`, () => {
    const input = JSON.parse(readFileSync(join(pydicomDataDir('test_files'), name), 'utf8')) as DicomJsonObject;
    const resolved: string[] = [];
    const ds = jsonToDataset(input, {
      bulkDataResolver: (uri, tag) => {
        resolved.push(uri);
        return new Uint8Array(tag === 0x7fe00010 ? 8 : 0);
      },
    });
    const output = datasetToJson(ds, { bulkDataUri: (tag) => (tag === 0x7fe00010 ? '' : undefined) });
    assertCanonical(output, name);
    const [ours, theirs] = comparable(output, input);
    assert.deepEqual(ours, theirs);
    assert.equal(Object.keys(output).length, Object.keys(input).length);
    if (name === 'test1.json') assert.deepEqual(resolved, ['']);
  });
}

test("datasetToJson() of pydicom's sample files equals pydicom's to_json_dict(), up to what PS3.18 lets differ", () => {
  const files = sampleFiles();
  const theirs = python(PYDICOM_TO_JSON, [...files.values()]) as Record<string, DicomJsonObject>;
  for (const [name, path] of files) {
    const ours = datasetToJson(readDicomFile(new Uint8Array(readFileSync(path))).dataset);
    assertCanonical(ours, name);
    const [a, b] = comparable(ours, theirs[path]!, BIG_ENDIAN_FILES.has(name));
    assert.deepEqual(a, b, name);
  }
});

test('pydicom reads our JSON of its sample files back to the same attributes', () => {
  const files = sampleFiles();
  const ours: Record<string, DicomJsonObject> = {};
  for (const [name, path] of files) ours[name] = datasetToJson(readDicomFile(new Uint8Array(readFileSync(path))).dataset);
  const theirs = python(PYDICOM_FROM_JSON, ours) as Record<string, DicomJsonObject>;
  for (const name of files.keys()) {
    const [a, b] = comparable(ours[name]!, theirs[name]!);
    assert.deepEqual(a, b, name);
  }
});

test('sample files → JSON → dataset → JSON is unchanged, text in every character set included', () => {
  for (const [name, path] of sampleFiles()) {
    const json = datasetToJson(readDicomFile(new Uint8Array(readFileSync(path))).dataset);
    assert.deepEqual(datasetToJson(jsonToDataset(json)), withEvenInlineBinary(json), name);
  }
});
