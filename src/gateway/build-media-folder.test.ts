/**
 * The media folder use case on de-identified files, checked by independent peers: dcmtk's
 * dcmdump reads the DICOMDIR, dicom3tools' dciodvfy validates it (records, keys, offsets) and
 * dcdirdmp walks it by its offsets, dcmtk's dcmmkdir builds its own DICOMDIR for the same
 * folder to compare with, and pydicom's FileSet opens it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { basicRecipe } from '../deid/load-recipe.js';
import { createPseudonymizer } from '../deid/pseudonym/index.js';
import { type DirectoryNode, encodeDicomdir, readDirectoryTree } from '../dicom/dicomdir/index.js';
import { readDicomFile } from '../dicom/read-dicom-file.js';
import { Tag } from '../dicom/tag.js';
import { encodeDicomFile } from '../dicom/write-dicom-file.js';
import { MedVeilError } from '../errors.js';
import { syntheticCorpus, type SyntheticCorpus } from '../samples/synthetic-corpus.js';
import { pydicomData, SYSTEM_PYTHON } from '../../test/support/pydicom-files.js';
import { buildMediaFolder, type MediaFolderSummary } from './build-media-folder.js';
import { deidentifyInstance } from './deidentify-instance.js';

const work = mkdtempSync(join(tmpdir(), 'medveil-media-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** De-identifies `inputs` the way `medveil deid` does and lays them out by new UIDs under `folder`. */
async function deidentifiedFolder(folder: string, inputs: readonly Uint8Array[]): Promise<void> {
  const pseudonymizer = createPseudonymizer(createHash('sha256').update('media folder test key').digest());
  for (const bytes of inputs) {
    const result = await deidentifyInstance(bytes, { recipe: basicRecipe(), pseudonymizer });
    if (result.kind !== 'instance') continue;
    const path = join(folder, result.studyInstanceUid, result.seriesInstanceUid, `${result.sopInstanceUid}.dcm`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, Buffer.concat(result.chunks));
  }
}

function filesUnder(root: string, prefix = ''): string[] {
  return readdirSync(join(root, prefix)).sort().flatMap((name) => {
    const rel = prefix === '' ? name : `${prefix}/${name}`;
    return statSync(join(root, rel)).isDirectory() ? filesUnder(root, rel) : [rel];
  });
}

function run(command: string, args: readonly string[], cwd?: string): { status: number | null; output: string } {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new Error(`${command} could not run (install dcmtk, dicom3tools and python3-pydicom)`, { cause: result.error });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const RECORD_TYPES = [
  'PATIENT', 'STUDY', 'SERIES', 'IMAGE', 'RT DOSE', 'RT STRUCTURE SET', 'RT PLAN', 'RT TREAT RECORD', 'PRESENTATION',
  'WAVEFORM', 'SR DOCUMENT', 'KEY OBJECT DOC', 'SPECTROSCOPY', 'RAW DATA', 'REGISTRATION', 'FIDUCIAL', 'ENCAP DOC', 'VALUE MAP',
].sort((a, b) => b.length - a.length);

interface DumpedRecord {
  type: string;
  fileId?: string;
  children: DumpedRecord[];
}

/**
 * The hierarchy dicom3tools' dcdirdmp prints by following the offsets of a DICOMDIR: one line
 * per record, indented by tabs, then " -> FILE\ID" for a record that references a file.
 */
function dumpedHierarchy(dicomdir: string): DumpedRecord[] {
  const { status, output } = run('dcdirdmp', [dicomdir]);
  assert.equal(status, 0, output);
  const roots: DumpedRecord[] = [];
  const stack: DumpedRecord[] = [];
  for (const line of output.split('\n')) {
    const text = line.trim();
    if (text === '') continue;
    if (text.startsWith('->')) {
      stack[stack.length - 1]!.fileId = text.slice(2).trim();
      continue;
    }
    const depth = /^\t*/.exec(line)![0].length;
    const type = RECORD_TYPES.find((t) => text === t || text.startsWith(`${t} `));
    assert.ok(type !== undefined, `dcdirdmp printed an unexpected line: ${line}`);
    const record: DumpedRecord = { type, children: [] };
    stack.length = depth;
    (depth === 0 ? roots : stack[depth - 1]!.children).push(record);
    stack.push(record);
  }
  return roots;
}

/** Record types, referenced files and nesting, siblings sorted: what two builders must agree on. */
function canonical(records: readonly DumpedRecord[]): string[] {
  return records.map((r) => `${r.type}${r.fileId ? ` ${r.fileId}` : ''}{${canonical(r.children).join(',')}}`).sort();
}

function referencedFiles(records: readonly DumpedRecord[]): string[] {
  return records.flatMap((r) => [...(r.fileId ? [r.fileId.replaceAll('\\', '/')] : []), ...referencedFiles(r.children)]);
}

/** dcmtk's own DICOMDIR for the same media folder; --invent fills the Type 1 keys the de-identified files leave empty. */
function dcmmkdirOf(media: string, extra: readonly string[] = []): string {
  const out = join(work, `dcmmkdir-${createHash('sha256').update(media).digest('hex').slice(0, 8)}`);
  const made = run('dcmmkdir', ['+r', '-Pgp', '+I', ...extra, '+D', out, 'DICOM'], media);
  assert.equal(made.status, 0, made.output);
  return out;
}

function dciodvfyErrors(path: string): string[] {
  return run('dciodvfy', [path]).output.split('\n').filter((line) => line.startsWith('Error'));
}

describe('buildMediaFolder on a de-identified synthetic corpus', () => {
  let corpus: SyntheticCorpus;
  let deid: string;
  let media: string;
  let summary: MediaFolderSummary;
  before(async () => {
    corpus = syntheticCorpus({ patients: 3, imagesPerPatient: 3, seed: 'media folder' });
    deid = join(work, 'synthetic-deid');
    await deidentifiedFolder(deid, corpus.files.map((f) => encodeDicomFile(f.file)));
    media = join(work, 'synthetic-media');
    summary = await buildMediaFolder(deid, media);
  });

  test('lists every de-identified file: 3 patients, one study each, a CR and an SR series each', () => {
    assert.equal(summary.instances, corpus.files.length);
    assert.deepEqual([summary.patients, summary.studies, summary.series], [3, 3, 6]);
    assert.equal(summary.linked + summary.copied, corpus.files.length);
  });

  test('dcmtk dcmdump reads the DICOMDIR without errors or warnings', () => {
    const dump = run('dcmdump', [join(media, 'DICOMDIR')]);
    assert.equal(dump.status, 0, dump.output);
    assert.deepEqual(dump.output.split('\n').filter((l) => /^[EW]:/.test(l)), []);
    assert.match(dump.output, /MediaStorageDirectoryStorage/);
  });

  test('dciodvfy reports no error on the DICOMDIR (it checks the records and their keys)', () => {
    const report = run('dciodvfy', [join(media, 'DICOMDIR')]).output;
    assert.match(report, /BasicDirectory/, 'dciodvfy recognised a Basic Directory');
    assert.deepEqual(dciodvfyErrors(join(media, 'DICOMDIR')), []);
  });

  test('dciodvfy does report a record without a Type 1 key, so the check above can fail', () => {
    const bytes = Buffer.from(readFileSync(join(media, 'DICOMDIR')));
    // The first PATIENT record's Patient ID (0010,0020) LO relabelled as Issuer of Patient ID (0010,0021).
    const patientId = bytes.indexOf(Buffer.from([0x10, 0x00, 0x20, 0x00, 0x4c, 0x4f]));
    bytes[patientId + 2] = 0x21;
    const broken = join(work, 'NO_PATIENT_ID_DICOMDIR');
    writeFileSync(broken, bytes);
    assert.ok(dciodvfyErrors(broken).some((line) => /PatientID/.test(line)));
  });

  test('dcdirdmp walks every offset without an error, and does report a broken one', () => {
    assert.equal(run('dcdirdmp', [join(media, 'DICOMDIR')]).status, 0);
    const bytes = Buffer.from(readFileSync(join(media, 'DICOMDIR')));
    // The first record's Offset of Referenced Lower-Level Directory Entity (0004,1420), moved 8 bytes on.
    const lower = bytes.indexOf(Buffer.from([0x04, 0x00, 0x20, 0x14, 0x55, 0x4c, 0x04, 0x00]));
    bytes.writeUInt32LE(bytes.readUInt32LE(lower + 8) + 8, lower + 8);
    const broken = join(work, 'BROKEN_OFFSET_DICOMDIR');
    writeFileSync(broken, bytes);
    const walked = run('dcdirdmp', [broken]);
    assert.notEqual(walked.status, 0);
    assert.match(walked.output, /Error - Directory record offset invalid/);
  });

  test('dcmmkdir builds the same record types, referencing the same files, in the same hierarchy', () => {
    const ours = dumpedHierarchy(join(media, 'DICOMDIR'));
    const theirs = dumpedHierarchy(dcmmkdirOf(media));
    assert.equal(referencedFiles(ours).length, corpus.files.length);
    assert.deepEqual(canonical(ours), canonical(theirs));
    assert.deepEqual(new Set(referencedFiles(ours).map((f) => f.split('/').length)), new Set([5]));
  });

  test('every referenced File ID exists, and every file of the folder is referenced exactly once', () => {
    const referenced = referencedFiles(dumpedHierarchy(join(media, 'DICOMDIR')));
    const files = filesUnder(media).filter((f) => f !== 'DICOMDIR');
    assert.deepEqual([...referenced].sort(), files);
    assert.equal(new Set(referenced).size, referenced.length);
  });

  test('each file is the de-identified instance its record names', () => {
    const check = (nodes: readonly DirectoryNode[]): void => {
      for (const node of nodes) {
        if (node.fileId !== undefined) {
          const file = readDicomFile(readFileSync(join(media, ...node.fileId)));
          assert.equal(file.dataset.getString(Tag.SOPInstanceUID), node.record.getString(Tag.ReferencedSOPInstanceUIDInFile));
          assert.equal(file.dataset.getString(Tag.SOPClassUID), node.record.getString(Tag.ReferencedSOPClassUIDInFile));
          assert.equal(file.transferSyntaxUid, node.record.getString(Tag.ReferencedTransferSyntaxUIDInFile));
        }
        check(node.children);
      }
    };
    check(readDirectoryTree(readFileSync(join(media, 'DICOMDIR'))));
  });

  test("pydicom's FileSet opens it and finds every instance at its File ID", () => {
    const script = [
      'import json, os, sys',
      'from pydicom import dcmread',
      'from pydicom.fileset import FileSet',
      'fs = FileSet(dcmread(sys.argv[1]))',
      'print(json.dumps(sorted([[os.path.relpath(i.path, sys.argv[2]), i.node.record_type, i.SOPInstanceUID] for i in fs])))',
    ].join('\n');
    const result = run(SYSTEM_PYTHON, ['-c', script, join(media, 'DICOMDIR'), media]);
    const listed = JSON.parse(result.output.trim().split('\n').pop()!) as [string, string, string][];
    assert.equal(listed.length, corpus.files.length, result.output);
    for (const [path, type, uid] of listed) {
      assert.equal(readDicomFile(readFileSync(join(media, path))).dataset.getString(Tag.SOPInstanceUID), uid);
      assert.ok(type === 'IMAGE' || type === 'SR DOCUMENT', type);
    }
  });

  test('paths are ordinal names only, and no planted identifier is in a path or in the DICOMDIR', () => {
    for (const path of filesUnder(media)) {
      assert.match(path, /^(DICOMDIR|DICOM\/P\d{7}\/ST\d{6}\/SE\d{6}\/I\d{7})$/);
    }
    const dicomdir = readFileSync(join(media, 'DICOMDIR'));
    const leaks = corpus.tokens.filter((t) => dicomdir.includes(Buffer.from(t.bytes)) || filesUnder(media).some((p) => p.includes(t.text)));
    assert.deepEqual(leaks.map((t) => t.place), []);
    assert.ok(corpus.tokens.some((t) => t.place.endsWith('PatientID')), 'the corpus planted Patient IDs to look for');
  });

  test('files are hard links to the de-identified files unless copies are asked for', async () => {
    const [first] = filesUnder(media).filter((f) => f !== 'DICOMDIR');
    const file = readDicomFile(readFileSync(join(media, first!)));
    const source = join(deid, file.dataset.getString(Tag.StudyInstanceUID)!, file.dataset.getString(Tag.SeriesInstanceUID)!, `${file.dataset.getString(Tag.SOPInstanceUID)}.dcm`);
    assert.equal(statSync(join(media, first!)).ino, statSync(source).ino);
    const copies = join(work, 'synthetic-copies');
    const copied = await buildMediaFolder(deid, copies, { transfer: 'copy' });
    assert.deepEqual([copied.linked, copied.copied], [0, corpus.files.length]);
    assert.notEqual(statSync(join(copies, first!)).ino, statSync(source).ino);
    assert.deepEqual(readFileSync(join(copies, 'DICOMDIR')), readFileSync(join(media, 'DICOMDIR')), 'the same input gives the same DICOMDIR');
  });
});

describe('buildMediaFolder on de-identified pydicom samples of other SOP Classes and transfer syntaxes', () => {
  const SAMPLES = [
    'CT_small.dcm', 'MR_small_bigendian.dcm', 'rtplan.dcm', 'rtstruct.dcm', 'rtdose.dcm',
    'test-SR.dcm', 'waveform_ecg.dcm', 'JPEG2000.dcm', 'image_dfl.dcm',
  ];
  let media: string;
  before(async () => {
    const data = pydicomData();
    const deid = join(work, 'samples-deid');
    await deidentifiedFolder(deid, SAMPLES.map((name) => readFileSync(join(data.root, 'test_files', name))));
    media = join(work, 'samples-media');
    await buildMediaFolder(deid, media);
  });

  test('each SOP Class gets its record type (PS3.3 F.4)', () => {
    const types = new Set<string>();
    const collect = (records: readonly DumpedRecord[]): void => records.forEach((r) => (r.fileId ? types.add(r.type) : collect(r.children)));
    collect(dumpedHierarchy(join(media, 'DICOMDIR')));
    assert.deepEqual([...types].sort(), ['IMAGE', 'RT DOSE', 'RT PLAN', 'RT STRUCTURE SET', 'SR DOCUMENT', 'WAVEFORM']);
  });

  test('dciodvfy reports no error on the DICOMDIR', () => {
    assert.deepEqual(dciodvfyErrors(join(media, 'DICOMDIR')), []);
  });

  test('dcmmkdir (accepting every transfer syntax) builds the same hierarchy', () => {
    const ours = dumpedHierarchy(join(media, 'DICOMDIR'));
    assert.equal(referencedFiles(ours).length, filesUnder(media).length - 1);
    assert.deepEqual(canonical(ours), canonical(dumpedHierarchy(dcmmkdirOf(media, ['-Nxc']))));
  });

  test('the referenced transfer syntax is each file\'s own, big endian and deflated included', () => {
    const syntaxes = new Set<string>();
    const walk = (nodes: readonly DirectoryNode[]): void => nodes.forEach((n) => {
      const ts = n.record.getString(Tag.ReferencedTransferSyntaxUIDInFile);
      if (ts) syntaxes.add(ts);
      walk(n.children);
    });
    walk(readDirectoryTree(readFileSync(join(media, 'DICOMDIR'))));
    for (const uid of ['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.2', '1.2.840.10008.1.2.1.99', '1.2.840.10008.1.2.4.91']) {
      assert.ok(syntaxes.has(uid), uid);
    }
  });
});

describe('buildMediaFolder refuses hostile input and leaves nothing behind', () => {
  let good: Uint8Array[];
  before(() => {
    good = syntheticCorpus({ patients: 1, imagesPerPatient: 2, seed: 'hostile' }).files.map((f) => encodeDicomFile(f.file));
  });

  const cases: [string, (folder: string) => void | Promise<void>, RegExp, string][] = [
    ['a file that is not DICOM', (folder) => writeFileSync(join(folder, 'notes.txt'), 'hello, not DICOM\n'), /^notes\.txt: not a readable DICOM file/, 'dicomdir'],
    ['an instance without a Study Instance UID', async (folder) => {
      const file = readDicomFile(good[0]!);
      file.dataset.delete(Tag.StudyInstanceUID);
      const bytes = encodeDicomFile(file);
      const result = await deidentifyInstance(bytes, { recipe: basicRecipe(), pseudonymizer: createPseudonymizer(createHash('sha256').update('k').digest()) });
      assert.equal(result.kind, 'instance');
      writeFileSync(join(folder, 'lost.dcm'), Buffer.concat((result as { chunks: Uint8Array[] }).chunks));
    }, /^lost\.dcm: has no Study Instance UID/, 'dicomdir'],
    ['an instance that was never de-identified', (folder) => writeFileSync(join(folder, 'raw.dcm'), good[1]!), /^raw\.dcm: does not say it was de-identified/, 'dicomdir'],
    ['a DICOMDIR', (folder) => writeFileSync(join(folder, 'DICOMDIR'), encodeDicomdir({ patients: [] }).bytes), /^DICOMDIR: is a DICOMDIR itself/, 'dicomdir'],
  ];
  for (const [name, spoil, message, code] of cases) {
    test(`${name}: a clear error, no media folder, no partial folder`, async () => {
      const parent = mkdtempSync(join(work, 'hostile-'));
      const deid = join(parent, 'deid');
      await deidentifiedFolder(deid, good);
      await spoil(deid);
      const media = join(parent, 'media');
      await assert.rejects(buildMediaFolder(deid, media), (e: unknown) => e instanceof MedVeilError && e.code === code && message.test(e.message));
      assert.equal(existsSync(media), false);
      assert.deepEqual(readdirSync(parent), ['deid']);
    });
  }

  test('an empty folder, or one that does not exist, is a usage error and writes nothing', async () => {
    const parent = mkdtempSync(join(work, 'empty-'));
    mkdirSync(join(parent, 'deid'));
    for (const input of [join(parent, 'deid'), join(parent, 'missing')]) {
      await assert.rejects(buildMediaFolder(input, join(parent, 'media')), (e: unknown) => e instanceof MedVeilError && e.code === 'usage');
    }
    assert.deepEqual(readdirSync(parent), ['deid']);
  });

  test('an instance that was never de-identified is accepted when identities are allowed', async () => {
    const parent = mkdtempSync(join(work, 'identified-'));
    mkdirSync(join(parent, 'raw'));
    good.forEach((bytes, i) => writeFileSync(join(parent, 'raw', `f${i}.dcm`), bytes));
    const summary = await buildMediaFolder(join(parent, 'raw'), join(parent, 'media'), { allowIdentified: true });
    assert.equal(summary.instances, good.length);
  });

  test('a media folder that exists and is not empty is refused untouched; an empty one is filled', async () => {
    const parent = mkdtempSync(join(work, 'exists-'));
    await deidentifiedFolder(join(parent, 'deid'), good);
    mkdirSync(join(parent, 'media'));
    writeFileSync(join(parent, 'media', 'keep.txt'), 'mine');
    await assert.rejects(buildMediaFolder(join(parent, 'deid'), join(parent, 'media')), (e: unknown) => e instanceof MedVeilError && e.code === 'usage');
    assert.deepEqual(readdirSync(join(parent, 'media')), ['keep.txt']);
    mkdirSync(join(parent, 'empty'));
    await buildMediaFolder(join(parent, 'deid'), join(parent, 'empty'));
    assert.deepEqual(readdirSync(join(parent, 'empty')), ['DICOM', 'DICOMDIR']);
    await assert.rejects(buildMediaFolder(join(parent, 'deid'), join(parent, 'deid', 'inside')), (e: unknown) => e instanceof MedVeilError && e.code === 'usage');
  });
});
