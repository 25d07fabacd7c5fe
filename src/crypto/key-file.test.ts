import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { MedVeilError } from '../errors.js';
import { KEY_FILE_KIND, createKeyFileText, parseKeyFile, readKeyFile, writeKeyFile } from './key-file.js';

const root = mkdtempSync(join(tmpdir(), 'medveil-key-file-'));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const freshPath = (name = 'deid.key') => join(root, `case-${++counter}`, name);

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

function writeText(text: string, mode = 0o600): string {
  const path = freshPath();
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text, { mode });
  chmodSync(path, mode);
  return path;
}

const validKey = () => randomBytes(32).toString('base64');
const fileText = (fields: Record<string, unknown>) => JSON.stringify({ kind: KEY_FILE_KIND, version: 1, created: '2026-01-01T00:00:00.000Z', key: validKey(), ...fields });

test('writeKeyFile() then readKeyFile() gives back the key and creation time, with mode 0600 and a 0700 folder', () => {
  const path = freshPath();
  const key = randomBytes(32);
  writeKeyFile(path, { random: () => key, now: () => new Date('2026-03-04T05:06:07.000Z') });
  const loaded = readKeyFile(path);
  assert.deepEqual(Buffer.from(loaded.key), key);
  assert.equal(loaded.created, '2026-03-04T05:06:07.000Z');
  assert.deepEqual(loaded.warnings, []);
  const json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  assert.deepEqual(Object.keys(json).sort(), ['created', 'key', 'kind', 'version']);
  assert.equal(json.kind, 'medveil-deid-key');
  assert.equal(json.version, 1);
  assert.equal(json.key, key.toString('base64'));
  if (posix) {
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(statSync(join(path, '..')).mode & 0o777, 0o700);
  }
});

test('writeKeyFile() draws a fresh random key each time', () => {
  const a = freshPath();
  const b = freshPath();
  writeKeyFile(a);
  writeKeyFile(b);
  assert.notDeepEqual(readKeyFile(a).key, readKeyFile(b).key);
  assert.equal(readKeyFile(a).key.length, 32);
});

test('writeKeyFile() sets mode 0600 even under a umask that would leave the owner without access', { skip: !posix ? 'POSIX only' : false }, () => {
  const path = freshPath();
  mkdirSync(join(path, '..'), { recursive: true });
  const previous = process.umask(0o777);
  try {
    writeKeyFile(path);
  } finally {
    process.umask(previous);
  }
  assert.equal(statSync(path).mode & 0o777, 0o600);
});

test('writeKeyFile() refuses to overwrite an existing file and leaves it untouched', () => {
  const path = freshPath();
  writeKeyFile(path);
  const before = readFileSync(path, 'utf8');
  assert.throws(() => writeKeyFile(path), keyError(/refusing to overwrite/, /medveil keygen --out/));
  assert.equal(readFileSync(path, 'utf8'), before);
});

test('readKeyFile() of a missing file tells the user to run keygen with that path', () => {
  const path = freshPath();
  assert.throws(() => readKeyFile(path), keyError(/no key file/, new RegExp(`medveil keygen --out ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`)));
});

test('readKeyFile() refuses damaged and foreign files with a message naming the problem', () => {
  const cases: [string, RegExp][] = [
    ['not json', /not JSON/],
    ['[1, 2]', /not a JSON object/],
    [fileText({ kind: 'something-else' }), /"kind" is not "medveil-deid-key"/],
    [fileText({ version: 2 }), /version 2; this MedVeil reads version 1/],
    [fileText({ key: undefined }), /"key" is not standard base64/],
    [fileText({ key: 42 }), /"key" is not standard base64/],
    [fileText({ key: 'not base64!' }), /"key" is not standard base64/],
    [fileText({ key: ` ${validKey()}` }), /"key" is not standard base64/],
    [fileText({ key: validKey().replace(/=$/, '') }), /"key" is not standard base64/],
    [fileText({ key: randomBytes(16).toString('base64') }), /holds 16 bytes instead of 32/],
    [fileText({ key: randomBytes(33).toString('base64') }), /holds 33 bytes instead of 32/],
    [fileText({ key: Buffer.alloc(32).toString('base64') }), /one repeated byte/],
    [' '.repeat(70_000), /70000 bytes long/],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => readKeyFile(writeText(text)), keyError(message, /medveil keygen|upgrade MedVeil|backup/), message.source);
  }
});

test('key file errors never contain the key', () => {
  const key = randomBytes(16).toString('base64');
  try {
    parseKeyFile(fileText({ key }), 'test.key');
    assert.fail('expected an error');
  } catch (error) {
    assert.ok(error instanceof MedVeilError);
    assert.ok(!`${error.message} ${error.hint}`.includes(key));
  }
});

test('readKeyFile() refuses a file that other users can read or write, and warns when its group can', { skip: !posix ? 'POSIX only' : false }, () => {
  const text = fileText({});
  for (const mode of [0o644, 0o604, 0o602, 0o666]) {
    assert.throws(() => readKeyFile(writeText(text, mode)), keyError(/accessible to other users/, /chmod 600/), mode.toString(8));
  }
  const grouped = readKeyFile(writeText(text, 0o640));
  assert.equal(grouped.warnings.length, 1);
  assert.match(grouped.warnings[0]!, /accessible to its group.*chmod 600/);
  assert.deepEqual(readKeyFile(writeText(text, 0o400)).warnings, []);
});

test('readKeyFile() refuses a folder', () => {
  const path = freshPath();
  mkdirSync(path, { recursive: true });
  assert.throws(() => readKeyFile(path), keyError(/not a regular file/));
});

test('a missing creation time or unknown fields are warnings, not refusals', () => {
  const loaded = parseKeyFile(fileText({ created: undefined, comment: 'ward 3' }), 'test.key');
  assert.equal(loaded.key.length, 32);
  assert.equal(loaded.created, undefined);
  assert.equal(loaded.warnings.length, 2);
  assert.match(loaded.warnings.join('\n'), /no valid "created" time/);
  assert.match(loaded.warnings.join('\n'), /ignores: comment/);
});

test('createKeyFileText() writes the documented version 1 format', () => {
  const text = createKeyFileText({ random: () => new Uint8Array(32).map((_, i) => i), now: () => new Date(0) });
  assert.deepEqual(JSON.parse(text), {
    kind: 'medveil-deid-key',
    version: 1,
    created: '1970-01-01T00:00:00.000Z',
    key: Buffer.from(new Uint8Array(32).map((_, i) => i)).toString('base64'),
  });
});
