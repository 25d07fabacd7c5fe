import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { PlantedTokenRecord } from './build-corpus.js';
import { countSurvivingTokens } from './count-surviving-tokens.js';

const work = mkdtempSync(join(tmpdir(), 'medveil-bench-tokens-'));
after(() => rmSync(work, { recursive: true, force: true }));

function token(place: string, bytes: Buffer): PlantedTokenRecord {
  return { place, hex: bytes.toString('hex') };
}

const name = token('patient0/PatientName family', Buffer.from('FAM1A2B3C4D'));
const folder = token('patient0/0/folder name', Buffer.from('DIR99887766'));
const dateAlone = token('patient0/StudyDate', Buffer.from('19970304'));
const dateInUid = token('patient1/StudyDate', Buffer.from('20110512'));
// "王秘0" in GB18030: bytes that are not ASCII and not UTF-8.
const gb18030 = token('patient0/PatientName ideographic', Buffer.from([0xcd, 0xf5, 0xc3, 0xd8, 0x30]));
const removed = token('patient0/PatientID', Buffer.from('PID55443322'));
const tokens = [name, folder, dateAlone, dateInUid, gb18030, removed];

test('countSurvivingTokens() finds tokens in bytes and paths, counts each once, and ignores a date inside a longer number', () => {
  const out = join(work, 'out');
  mkdirSync(join(out, 'a', 'DIR99887766_study'), { recursive: true });
  writeFileSync(join(out, 'a', 'one.dcm'), Buffer.concat([Buffer.from('\x10\x00\x10\x00PN\x0a\x00FAM1A2B3C4D^\x00'), Buffer.from([0xcd, 0xf5, 0xc3, 0xd8, 0x30])]));
  writeFileSync(join(out, 'a', 'two.dcm'), Buffer.from('DA\x08\x0019970304 and again FAM1A2B3C4D'));
  writeFileSync(join(out, 'a', 'DIR99887766_study', 'uid.dcm'), Buffer.from('UI\x2c\x002.25.3312011051299 PX'));
  const result = countSurvivingTokens(out, tokens, work);
  assert.equal(result.planted, 6);
  assert.equal(result.inBytes, 3, 'name, GB18030 name and the standalone date');
  assert.equal(result.inPaths, 1, 'the folder token');
  assert.equal(result.total, 4);
  assert.deepEqual(
    [...result.places.keys()].sort(),
    ['PatientName family', 'PatientName ideographic', 'StudyDate', 'folder name'],
  );
});

test('countSurvivingTokens() reports nothing for an output without tokens, or no output at all', () => {
  const clean = join(work, 'clean');
  mkdirSync(clean, { recursive: true });
  writeFileSync(join(clean, 'x.dcm'), Buffer.from('nothing planted here 2.25.1234'));
  assert.equal(countSurvivingTokens(clean, tokens, work).total, 0);
  assert.equal(countSurvivingTokens(join(work, 'missing'), tokens, work).total, 0);
});
