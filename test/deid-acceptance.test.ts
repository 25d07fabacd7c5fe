/**
 * Whole-system acceptance of `medveil deid` on synthetic studies with an identifier planted in
 * every place PS3.15 names (issue 2, acceptance 2 to 5), run through the real CLI.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { before, describe, test } from 'node:test';
import { readDicomFile } from '../src/dicom/read-dicom-file.js';
import { encodeDicomFile } from '../src/dicom/write-dicom-file.js';
import { Tag } from '../src/dicom/tag.js';
import type { Dataset } from '../src/dicom/dataset.js';
import { syntheticCorpus, type SyntheticCorpus } from '../src/samples/synthetic-corpus.js';
import { listFiles, medveil, temporaryFolder } from './support/medveil-cli.js';
import { readQuarantineReasons } from './support/quarantine-reasons.js';
import { walkDataset } from './support/walk-dataset.js';

let work: string;
let corpus: SyntheticCorpus;
let input: string;
let key1: string;
let key2: string;

function writeCorpus(folder: string, c: SyntheticCorpus): void {
  for (const file of c.files) {
    const path = join(folder, file.relativePath);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, encodeDicomFile(file.file));
  }
}

function deid(out: string, extra: string[] = [], key = key1): { status: number; stdout: string; stderr: string } {
  return medveil(['deid', input, out, '--key-file', key, '--jobs', '2', ...extra]);
}

function recipe(name: string, text: string): string {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
}

function readMapping(path: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of readFileSync(path, 'utf8').trim().split('\n').slice(1)) {
    const [kind, original, pseudonym] = line.split('\t');
    map.set(`${kind}:${original}`, pseudonym!);
  }
  return map;
}

function outputs(root: string): { path: string; bytes: Buffer; dataset: Dataset }[] {
  return listFiles(root).map((path) => {
    const bytes = readFileSync(join(root, path));
    return { path, bytes, dataset: readDicomFile(bytes).dataset };
  });
}

before(() => {
  work = temporaryFolder('deid-acceptance');
  corpus = syntheticCorpus({ patients: 4, imagesPerPatient: 3, seed: 'acceptance' });
  input = join(work, 'in');
  writeCorpus(input, corpus);
  key1 = join(work, 'one.key');
  key2 = join(work, 'two.key');
  assert.equal(medveil(['keygen', '--out', key1]).status, 0);
  assert.equal(medveil(['keygen', '--out', key2]).status, 0);
});

describe('medveil deid under the Basic Profile', () => {
  let out: string;
  let run: { status: number; stdout: string; stderr: string };
  before(() => {
    out = join(work, 'basic');
    run = deid(out, ['--mapping', join(work, 'basic.map'), '--report', join(work, 'basic-report.jsonl')]);
  });

  test('--report writes one line per output file, naming actions and never a value', () => {
    const text = readFileSync(join(work, 'basic-report.jsonl'), 'utf8');
    const lines = text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as { output: string; report: { entries: { action: string }[] } });
    assert.deepEqual(lines.map((line) => line.output).sort(), listFiles(out).sort());
    for (const line of lines) assert.ok(line.report.entries.some((entry) => entry.action === 'removed'), line.output);
    const leaked = corpus.tokens.filter((token) => text.includes(token.text)).map((token) => token.place);
    assert.deepEqual(leaked, []);
  });

  test('writes every input file and quarantines none', () => {
    assert.equal(run.status, 0, run.stderr + run.stdout);
    assert.equal(listFiles(out).length, corpus.files.length);
    assert.equal(existsSync(`${out}.quarantine`), false);
  });

  test('no planted identifier survives in any output byte or path', () => {
    assert.ok(corpus.tokens.length > 100, 'the generator planted its tokens');
    const files = outputs(out);
    const leaks: string[] = [];
    for (const token of corpus.tokens) {
      for (const file of files) {
        if (file.bytes.includes(Buffer.from(token.bytes))) leaks.push(`${token.place} in the bytes of an output file`);
        if (file.path.includes(token.text)) leaks.push(`${token.place} in an output path`);
      }
    }
    assert.deepEqual(leaks, []);
  });

  test('the planted places were really in the input (the check above can fail)', () => {
    const all = Buffer.concat(listFiles(input).map((p) => readFileSync(join(input, p))));
    const paths = listFiles(input).join('\n');
    const missing = corpus.tokens.filter((t) => !all.includes(Buffer.from(t.bytes)) && !paths.includes(t.text)).map((t) => t.place);
    assert.deepEqual(missing, []);
  });

  test('the de-identification attributes are set, naming exactly the Basic Profile', () => {
    for (const { dataset } of outputs(out)) {
      assert.equal(dataset.has(Tag.PatientAge), false, 'Patient Age is removed without Retain Patient Characteristics');
      // Images whose pixels nobody verified are not claimed identity-free; the SR has no pixels.
      const expected = dataset.has(Tag.PixelData) ? 'NO' : 'YES';
      assert.equal(dataset.getString(Tag.PatientIdentityRemoved), expected);
      const codes = dataset.get(Tag.DeidentificationMethodCodeSequence)?.items?.map((item) => item.getString(Tag.CodeValue));
      assert.deepEqual(codes, ['113100']);
    }
  });

  test('private elements are removed, with and without creator', () => {
    for (const { dataset } of outputs(out)) {
      const privateTags = [...dataset].map((e) => e.tag).filter((tag) => ((tag >>> 16) & 1) === 1);
      assert.deepEqual(privateTags, []);
    }
  });

  test('every referenced UID equals the new UID of what it references', () => {
    const mapping = readMapping(join(work, 'basic.map'));
    const files = outputs(out);
    const bySop = new Map(files.map((f) => [f.dataset.getString(Tag.SOPInstanceUID)!, f.dataset]));
    for (const reference of corpus.references) {
      const from = bySop.get(mapping.get(`uid:${reference.fromSopInstanceUid}`)!);
      assert.ok(from, 'the referencing instance is in the output under its new UID');
      const referenced = new Set<string>();
      walkDataset(from, (element, owner) => {
        if (element.tag === Tag.ReferencedSOPInstanceUID) referenced.add(owner.getString(element.tag)!);
      });
      assert.ok(referenced.has(mapping.get(`uid:${reference.toSopInstanceUid}`)!));
    }
    // And nothing refers to an instance that is not in the output (or to the study itself).
    const known = new Set([...bySop.keys(), ...files.map((f) => f.dataset.getString(Tag.StudyInstanceUID)!)]);
    for (const { dataset } of files) {
      walkDataset(dataset, (element, owner) => {
        if (element.tag === Tag.ReferencedSOPInstanceUID) assert.ok(known.has(owner.getString(element.tag)!));
      });
    }
  });

  test('output files are laid out by the new UIDs', () => {
    for (const { path, dataset } of outputs(out)) {
      const expected = `${dataset.getString(Tag.StudyInstanceUID)}/${dataset.getString(Tag.SeriesInstanceUID)}/${dataset.getString(Tag.SOPInstanceUID)}.dcm`;
      assert.equal(path, expected);
    }
  });
});

describe('keyed pseudonyms', () => {
  test('two runs with the same key give byte-identical output; another key gives other UIDs', () => {
    const a = join(work, 'same-a');
    const b = join(work, 'same-b');
    const c = join(work, 'other-key');
    assert.equal(deid(a).status, 0);
    assert.equal(deid(b).status, 0);
    assert.equal(deid(c, [], key2).status, 0);
    const filesA = listFiles(a);
    assert.deepEqual(listFiles(b), filesA);
    for (const path of filesA) assert.ok(readFileSync(join(a, path)).equals(readFileSync(join(b, path))), path);
    const uidsA = new Set(filesA.flatMap((p) => p.replace(/\.dcm$/, '').split('/')));
    const uidsC = listFiles(c).flatMap((p) => p.replace(/\.dcm$/, '').split('/'));
    assert.equal(uidsC.filter((uid) => uidsA.has(uid)).length, 0);
  });

  test('no output UID equals an unkeyed hash of its original (the CTP and dcmjs style)', () => {
    const mapping = readMapping(join(work, 'basic.map'));
    const originals = [...mapping.keys()].filter((k) => k.startsWith('uid:')).map((k) => k.slice(4));
    assert.ok(originals.length > 10);
    const unkeyed = new Set<string>();
    for (const uid of originals) {
      for (const algorithm of ['md5', 'sha1', 'sha256']) {
        const digest = createHash(algorithm).update(uid).digest();
        unkeyed.add(`2.25.${BigInt(`0x${digest.subarray(0, 16).toString('hex')}`)}`);
        unkeyed.add(`2.25.${BigInt(`0x${digest.toString('hex')}`)}`.slice(0, 64));
      }
    }
    const clashes = [...mapping.entries()].filter(([k, v]) => k.startsWith('uid:') && unkeyed.has(v));
    assert.deepEqual(clashes, []);
  });
});

describe('Retain Patient Characteristics', () => {
  test('keeps ages but caps those over 89 at 090Y', () => {
    const out = join(work, 'characteristics');
    const run = deid(out, ['--recipe', recipe('chars.yaml', 'options:\n  - retainPatientCharacteristics\n')]);
    assert.equal(run.status, 0, run.stderr);
    for (const { dataset } of outputs(out)) {
      assert.equal(dataset.getString(Tag.PatientAge), '090Y');
      assert.equal(dataset.getString(Tag.PatientSex), 'O');
    }
  });
});

describe('Retain Safe Private', () => {
  test('keeps the safe private element only under its own creator', () => {
    const out = join(work, 'safe-private');
    const path = recipe('safe.yaml', 'options:\n  - retainSafePrivate\n');
    const run = deid(out, ['--recipe', path]);
    assert.equal(run.status, 0, run.stderr);
    for (const { dataset } of outputs(out)) {
      const creators = [...dataset].filter((e) => e.tag >>> 16 === 0x0019 && (e.tag & 0xffff) < 0x100).map((e) => dataset.getString(e.tag));
      assert.deepEqual(creators, [corpus.safePrivate.creator]);
      const block = [...dataset].find((e) => e.tag >>> 16 === 0x0019 && dataset.getString(e.tag) === corpus.safePrivate.creator)!.tag & 0xff;
      const kept = [...dataset].filter((e) => e.tag >>> 16 === 0x0019 && (e.tag & 0xffff) >= 0x1000);
      assert.deepEqual(kept.map((e) => (e.tag & 0xffff) >>> 8), [block]);
      assert.equal(dataset.getString(kept[0]!.tag), corpus.safePrivate.value);
      assert.equal(dataset.has(0x00090010), false);
      assert.equal(dataset.has(0x00111001), false);
    }
  });
});

describe('Retain Longitudinal Temporal Information with Modified Dates', () => {
  test('keeps every interval within a patient exactly, and two patients get different offsets', () => {
    const out = join(work, 'dates');
    const path = recipe('dates.yaml', 'options:\n  - retainLongitudinalModifiedDates\n');
    const run = deid(out, ['--recipe', path, '--mapping', join(work, 'dates.map')]);
    assert.equal(run.status, 0, run.stderr);
    const mapping = readMapping(join(work, 'dates.map'));
    const dateTags = [Tag.StudyDate, Tag.SeriesDate, Tag.AcquisitionDate, Tag.ContentDate, Tag.InstanceCreationDate];
    const offsets = new Map<string, Set<number>>();
    const outputsBySop = new Map(outputs(out).map((f) => [f.dataset.getString(Tag.SOPInstanceUID)!, f.dataset]));
    for (const file of corpus.files) {
      const original = file.file.dataset;
      const shifted = outputsBySop.get(mapping.get(`uid:${original.getString(Tag.SOPInstanceUID)}`)!)!;
      for (const tag of dateTags) {
        const days = dayNumber(shifted.getString(tag)!) - dayNumber(original.getString(tag)!);
        if (!offsets.has(file.patient)) offsets.set(file.patient, new Set());
        offsets.get(file.patient)!.add(days);
      }
    }
    for (const [patient, set] of offsets) assert.equal(set.size, 1, `${patient} has one offset for all dates`);
    const perPatient = [...offsets.values()].map((s) => [...s][0]);
    assert.equal(new Set(perPatient).size, perPatient.length);
    assert.ok(perPatient.every((d) => d !== 0));
  });
});

function dayNumber(da: string): number {
  return Date.UTC(Number(da.slice(0, 4)), Number(da.slice(4, 6)) - 1, Number(da.slice(6, 8))) / 86_400_000;
}

describe('bad input is quarantined with a reason, never written half-cleaned', () => {
  test('each hostile file gets a clear reason; good files still go through', () => {
    const bad = join(work, 'bad-in');
    mkdirSync(bad, { recursive: true });
    const good = encodeDicomFile(corpus.files[0]!.file);
    const preambleAndMeta = good.subarray(0, 132);
    const hostile: Record<string, Uint8Array> = {
      'zero-bytes.dcm': new Uint8Array(0),
      'not-dicom.txt': Buffer.from('Patient: Zhang San, ID 12345\n'),
      'truncated.dcm': good.subarray(0, Math.floor(good.length / 3)),
      // A copy: the worker remembers the first one's outcome, and must still quarantine this one.
      'truncated-copy.dcm': good.subarray(0, Math.floor(good.length / 3)),
      'huge-length.dcm': Buffer.concat([preambleAndMeta, Buffer.from([0x02, 0x00, 0x10, 0x00, 0x55, 0x49, 0xf0, 0xff])]),
      'random.dcm': createHash('sha512').update('noise').digest(),
    };
    for (const [name, bytes] of Object.entries(hostile)) writeFileSync(join(bad, name), bytes);
    writeFileSync(join(bad, 'good.dcm'), good);
    const out = join(work, 'bad-out');
    const run = medveil(['deid', bad, out, '--key-file', key1]);
    assert.equal(run.status, 1, 'exit status 1 when anything was quarantined');
    assert.match(run.stdout, new RegExp(`quarantined ${Object.keys(hostile).length} file`));
    assert.equal(listFiles(out).length, 1);
    const quarantine = `${out}.quarantine`;
    const reasons = readQuarantineReasons(quarantine);
    for (const r of reasons) assert.ok(existsSync(join(quarantine, r.file)), `${r.input} is kept in the quarantine as ${r.file}`);
    assert.deepEqual(reasons.map((r) => r.input).sort(), Object.keys(hostile).sort());
    for (const r of reasons) assert.ok(r.reason.length > 10, `${r.input}: ${r.reason}`);
    const truncated = reasons.find((r) => r.input === 'truncated.dcm')!;
    assert.match(truncated.reason, /byte/);
  });

  test('an instance sent twice is written once; another file with the same SOP Instance UID is quarantined, not overwritten', () => {
    const twice = join(work, 'twice-in');
    mkdirSync(twice, { recursive: true });
    const original = corpus.files[0]!.file;
    writeFileSync(join(twice, 'a.dcm'), encodeDicomFile(original));
    writeFileSync(join(twice, 'b.dcm'), encodeDicomFile(original));
    const changed = readDicomFile(encodeDicomFile(original));
    changed.dataset.setString(Tag.SeriesNumber, '99');
    writeFileSync(join(twice, 'c.dcm'), encodeDicomFile(changed));
    const out = join(work, 'twice-out');
    const run = medveil(['deid', twice, out, '--key-file', key1, '--jobs', '1']);
    assert.equal(run.status, 1);
    assert.equal(listFiles(out).length, 1);
    assert.match(run.stdout, /skipped 1: same instance as another input/);
    const reasons = readQuarantineReasons(`${out}.quarantine`);
    assert.equal(reasons.length, 1);
    const reason = reasons[0]!;
    assert.deepEqual(readFileSync(join(`${out}.quarantine`, reason.file)), readFileSync(join(twice, 'c.dcm')), 'the quarantine keeps the input untouched');
    assert.equal(reason.input, 'c.dcm');
    assert.match(reason.reason, /same SOP Instance UID but different content/);
  });

  test('the same instance in another transfer syntax is a repeat, skipped; a conflict in another syntax is still quarantined', () => {
    const input = join(work, 'syntaxes-in');
    mkdirSync(input, { recursive: true });
    const original = corpus.files[0]!.file;
    writeFileSync(join(input, 'a-explicit.dcm'), encodeDicomFile(original));
    writeFileSync(join(input, 'b-big-endian.dcm'), encodeDicomFile(original, { transferSyntaxUid: '1.2.840.10008.1.2.2' }));
    writeFileSync(join(input, 'c-deflated.dcm'), encodeDicomFile(original, { transferSyntaxUid: '1.2.840.10008.1.2.1.99' }));
    const changed = readDicomFile(encodeDicomFile(original));
    changed.dataset.setString(Tag.SeriesNumber, '99');
    writeFileSync(join(input, 'd-changed-deflated.dcm'), encodeDicomFile(changed, { transferSyntaxUid: '1.2.840.10008.1.2.1.99' }));
    const out = join(work, 'syntaxes-out');
    const run = medveil(['deid', input, out, '--key-file', key1, '--jobs', '1']);
    assert.equal(run.status, 1, run.stdout);
    assert.equal(listFiles(out).length, 1);
    assert.match(run.stdout, /skipped 2: same instance as another input, in another transfer syntax/);
    assert.deepEqual(readQuarantineReasons(`${out}.quarantine`).map((r) => r.input), ['d-changed-deflated.dcm']);
  });

  test('a missing key file says how to make one', () => {
    const run = medveil(['deid', input, join(work, 'no-key'), '--key-file', join(work, 'absent.key')]);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /medveil keygen/);
  });
});
