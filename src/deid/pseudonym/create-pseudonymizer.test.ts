import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { MedVeilError } from '../../errors.js';
import { createPseudonymizer } from './create-pseudonymizer.js';

const INPUTS = ['1.2.826.0.1.3680043.2.1125.1.1', '1.3.6.1.4.1.9590.100.1.2.1', 'PAT-0001', '12345', 'Müller', ''];

/** Every output for INPUTS, as the JSON a second process prints for comparison. */
const SAMPLE_SOURCE = `(p, inputs) => JSON.stringify(inputs.map((x) => [p.uid(x), p.patientId(x), p.patientName(x), p.text('AccessionNumber', x, 16), p.text('StudyID', x, 16), p.dateOffsetDays(x)]))`;
const sample = new Function(`return ${SAMPLE_SOURCE}`)() as (p: ReturnType<typeof createPseudonymizer>, inputs: string[]) => string;

/** Runs `sample` in a fresh Node process with the key given as hex on the command line. */
function sampleInOtherProcess(keyHex: string): string {
  const runningTs = import.meta.url.endsWith('.ts');
  const moduleUrl = new URL(runningTs ? './create-pseudonymizer.ts' : './create-pseudonymizer.js', import.meta.url).href;
  const script = `const { createPseudonymizer } = await import(${JSON.stringify(moduleUrl)});
const p = createPseudonymizer(Buffer.from(process.argv[1], 'hex'));
process.stdout.write((${SAMPLE_SOURCE})(p, ${JSON.stringify(INPUTS)}));`;
  const args = [...(runningTs ? ['--import', 'tsx'] : []), '--input-type=module', '-e', script, keyHex];
  const run = spawnSync(process.execPath, args, { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout;
}

test('the same key gives the same pseudonyms in another process; another key gives others', () => {
  const key = randomBytes(32);
  const here = sample(createPseudonymizer(key), INPUTS);
  assert.equal(sampleInOtherProcess(key.toString('hex')), here);

  const otherKey = randomBytes(32);
  const there = JSON.parse(sampleInOtherProcess(otherKey.toString('hex'))) as unknown[][];
  const mine = JSON.parse(here) as unknown[][];
  INPUTS.forEach((input, i) => {
    if (input === '') return;
    mine[i]!.forEach((value, j) => assert.notEqual(there[i]![j], value, `input ${i}, output ${j}`));
  });
});

test('a change of one key bit changes every pseudonym', () => {
  const key = randomBytes(32);
  const flipped = Buffer.from(key);
  flipped[31]! ^= 1;
  const a = createPseudonymizer(key);
  const b = createPseudonymizer(flipped);
  assert.notEqual(a.uid('1.2.3'), b.uid('1.2.3'));
  assert.notEqual(a.patientId('1'), b.patientId('1'));
  assert.notEqual(a.patientName('1'), b.patientName('1'));
  assert.notEqual(a.text('X', '1', 16), b.text('X', '1', 16));
});

test('each kind uses its own context: equal inputs give unrelated outputs across kinds', () => {
  const p = createPseudonymizer(randomBytes(32));
  const input = '123456';
  const idBody = p.patientId(input).slice(2);
  const nameBody = p.patientName(input).slice(3);
  const accession = p.text('AccessionNumber', input, 16);
  const studyId = p.text('StudyID', input, 16);
  const tokens = [idBody.slice(0, 8), nameBody, accession.slice(0, 8), studyId.slice(0, 8)];
  assert.equal(new Set(tokens).size, tokens.length, tokens.join(' '));
});

test('pseudonyms fit their value representations', () => {
  const p = createPseudonymizer(randomBytes(32));
  for (let i = 0; i < 1000; i++) {
    const original = randomBytes(1 + (i % 40)).toString('hex');
    assert.match(p.patientId(original), /^MV[0-9A-HJKMNP-TV-Z]{13}$/);
    assert.match(p.patientName(original), /^MV\^[0-9A-HJKMNP-TV-Z]{8}$/);
    for (const maxLength of [1, 4, 16, 64]) {
      const token = p.text('AccessionNumber', original, maxLength);
      assert.equal(token.length, Math.min(maxLength, 16));
      assert.match(token, /^[0-9A-HJKMNP-TV-Z]+$/);
    }
  }
});

test('padding and surrounding spaces do not change a pseudonym', () => {
  const p = createPseudonymizer(randomBytes(32));
  assert.equal(p.uid('1.2.3.4\0'), p.uid('1.2.3.4'));
  assert.equal(p.patientId(' 1234 '), p.patientId('1234'));
  assert.equal(p.patientName('1234 '), p.patientName('1234'));
  assert.equal(p.text('StudyID', 'S1 ', 16), p.text('StudyID', 'S1', 16));
  assert.equal(p.dateOffsetDays('1234 '), p.dateOffsetDays('1234'));
});

test('registry UIDs and empty values are never remapped', () => {
  const p = createPseudonymizer(randomBytes(32));
  for (const uid of ['1.2.840.10008.1.2.1', '1.2.840.10008.5.1.4.1.1.2', '1.2.840.10008.1.2.4.50\0']) {
    assert.equal(p.isWellKnownUid(uid), true, uid);
    assert.equal(p.uid(uid), uid.replace('\0', ''));
  }
  assert.equal(p.isWellKnownUid('1.2.840.100081.2'), false);
  assert.equal(p.isWellKnownUid('1.2.826.0.1.3680043.8.498.1'), false);
  assert.equal(p.uid(''), '');
  assert.equal(p.patientId(''), '');
  assert.equal(p.patientName(''), '');
  assert.equal(p.text('StudyID', '', 16), '');
});

test('onMapping receives every replaced UID and Patient ID, and nothing else', () => {
  const seen: [string, string, string][] = [];
  const p = createPseudonymizer(randomBytes(32), { onMapping: (kind, original, pseudonym) => seen.push([kind, original, pseudonym]) });
  const uid = p.uid('1.2.3.4 ');
  const id = p.patientId('PAT1');
  p.uid('1.2.840.10008.1.2');
  p.uid('');
  p.patientId('');
  p.patientName('PAT1');
  p.text('StudyID', 'S1', 16);
  p.dateOffsetDays('PAT1');
  assert.deepEqual(seen, [['uid', '1.2.3.4', uid], ['patientId', 'PAT1', id]]);
});

test('date offsets lie in [-maxShiftDays, -1], reach both ends and differ between patients', () => {
  const small = createPseudonymizer(randomBytes(32), { maxShiftDays: 3 });
  const offsets = new Set(Array.from({ length: 300 }, (_, i) => small.dateOffsetDays(`P${i}`)));
  assert.deepEqual([...offsets].sort(), [-1, -2, -3]);

  const p = createPseudonymizer(randomBytes(32));
  const many = Array.from({ length: 1000 }, (_, i) => p.dateOffsetDays(`patient ${i}`));
  for (const days of many) assert.ok(Number.isInteger(days) && days >= -3650 && days <= -1, String(days));
  // 1000 draws from 3650 values: about 120 shared values expected, so most patients differ.
  assert.ok(new Set(many).size > 800, String(new Set(many).size));
  assert.equal(p.dateOffsetDays('patient 7'), many[7]);
});

test('weak keys and bad options are refused with a hint to run keygen', () => {
  const isKeyError = (error: unknown) => error instanceof MedVeilError && error.code === 'key' && /medveil keygen/.test(error.hint ?? '');
  assert.throws(() => createPseudonymizer(randomBytes(16)), isKeyError);
  assert.throws(() => createPseudonymizer(new Uint8Array(32)), isKeyError);
  assert.throws(() => createPseudonymizer(new Uint8Array(32).fill(7)), isKeyError);
  for (const maxShiftDays of [0, -5, 1.5, 100_000]) {
    assert.throws(() => createPseudonymizer(randomBytes(32), { maxShiftDays }), (e: unknown) => e instanceof MedVeilError && e.code === 'deid');
  }
});

test('the pseudonymizer keeps its own copy of the key', () => {
  const key = randomBytes(32);
  const p = createPseudonymizer(key);
  const before = p.uid('1.2.3');
  key.fill(1);
  assert.equal(p.uid('1.2.3'), before);
});
