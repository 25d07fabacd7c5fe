import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { MedVeilError } from '../errors.js';
import { KEY_FILE_KIND } from './key-file.js';
import { MASTER_KEY_FILE_KIND, masterKeyFromBytes, masterKeyId, parseMasterKeyFile, readMasterKeyFile, writeMasterKeyFile } from './master-key-file.js';

const root = mkdtempSync(join(tmpdir(), 'medveil-master-key-'));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const freshPath = () => join(root, `case-${++counter}`, 'master.key');
const posix = process.platform !== 'win32';

function keyError(pattern: RegExp, hint?: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof MedVeilError, String(error));
    assert.equal(error.code, 'key');
    assert.match(error.message, pattern);
    if (hint) assert.match(error.hint ?? '', hint);
    return true;
  };
}

test('writeMasterKeyFile() then readMasterKeyFile() gives back the key, its derived id and mode 0600', () => {
  const path = freshPath();
  const key = randomBytes(32);
  writeMasterKeyFile(path, { random: () => key, now: () => new Date('2026-05-06T07:08:09.000Z') });
  const loaded = readMasterKeyFile(path);
  assert.deepEqual(Buffer.from(loaded.key), key);
  assert.equal(loaded.id, masterKeyId(key));
  assert.equal(loaded.created, '2026-05-06T07:08:09.000Z');
  const json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  assert.equal(json.kind, 'medveil-master-key');
  if (posix) assert.equal(statSync(path).mode & 0o777, 0o600);
});

test('writeMasterKeyFile() refuses to overwrite an existing master key and says why', () => {
  const path = freshPath();
  writeMasterKeyFile(path);
  const before = readFileSync(path, 'utf8');
  assert.throws(() => writeMasterKeyFile(path), keyError(/refusing to overwrite the existing master key file/, /cannot unwrap the data keys/));
  assert.equal(readFileSync(path, 'utf8'), before);
});

test('readMasterKeyFile() refuses a file that other users can read', { skip: !posix ? 'POSIX only' : false }, () => {
  const path = freshPath();
  writeMasterKeyFile(path);
  chmodSync(path, 0o644);
  assert.throws(() => readMasterKeyFile(path), keyError(/master key file .* is accessible to other users/, /chmod 600/));
});

test('a de-identification key file is not a master key file, nor the other way round', () => {
  const text = (kind: string) => JSON.stringify({ kind, version: 1, created: '2026-01-01T00:00:00.000Z', key: randomBytes(32).toString('base64') });
  assert.throws(() => parseMasterKeyFile(text(KEY_FILE_KIND), 'x.key'), keyError(/is not a MedVeil master key file: its "kind" is not "medveil-master-key"/));
  assert.equal(parseMasterKeyFile(text(MASTER_KEY_FILE_KIND), 'x.key').key.length, 32);
});

test('readMasterKeyFile() of a missing file names the master key, not keygen for pseudonyms', () => {
  const path = freshPath();
  assert.throws(() => readMasterKeyFile(path), keyError(/no master key file at/, /no stored object can be read/));
});

test('master key ids: 32 hex digits, equal for equal keys, different for different keys', () => {
  const key = randomBytes(32);
  const other = Buffer.from(key);
  other[31]! ^= 1;
  assert.match(masterKeyId(key), /^[0-9a-f]{32}$/);
  assert.equal(masterKeyFromBytes(Buffer.from(key)).id, masterKeyId(key));
  assert.notEqual(masterKeyId(other), masterKeyId(key));
});

test('damaged master key files are refused without showing the key', () => {
  const short = randomBytes(16).toString('base64');
  const path = freshPath();
  writeMasterKeyFile(path);
  writeFileSync(path, JSON.stringify({ kind: MASTER_KEY_FILE_KIND, version: 1, key: short }));
  try {
    readMasterKeyFile(path);
    assert.fail('expected a refusal');
  } catch (error) {
    assert.ok(error instanceof MedVeilError);
    assert.match(error.message, /master key file .* is damaged: "key" holds 16 bytes/);
    assert.ok(!`${error.message} ${error.hint}`.includes(short));
  }
});
