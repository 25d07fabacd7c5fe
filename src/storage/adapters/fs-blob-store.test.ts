import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { after, test } from 'node:test';
import { MedVeilError } from '../../errors.js';
import { isBlobKey, newBlobKey } from '../blob-store.js';
import { nativeFinishDurableFile } from './durable-file.js';
import { FsBlobStore } from './fs-blob-store.js';

const root = mkdtempSync(join(tmpdir(), 'medveil-fs-blob-'));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const freshStore = () => {
  const folder = join(root, `store-${++counter}`);
  return { folder, store: new FsBlobStore(folder) };
};
const posix = process.platform !== 'win32';

function walk(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? [join(folder, entry.name), ...walk(join(folder, entry.name))] : [join(folder, entry.name)],
  );
}

test('put, get, stream, has and delete round-trip bytes and report absence', async () => {
  const { store } = freshStore();
  const key = newBlobKey('instance');
  assert.equal(await store.get(key), undefined);
  assert.equal(await store.stream(key), undefined);
  assert.equal(await store.has(key), false);
  const bytes = randomBytes(3 * (1 << 20) + 5);
  await store.put(key, bytes);
  assert.ok((await store.get(key))!.equals(bytes));
  assert.ok((await buffer((await store.stream(key))!)).equals(bytes));
  assert.equal(await store.has(key), true);
  assert.equal(await store.delete(key), true);
  assert.equal(await store.delete(key), false);
  assert.equal(await store.has(key), false);
});

test('put from a stream stores the concatenated chunks; a second put replaces the object whole', async () => {
  const { store } = freshStore();
  const key = newBlobKey('instance');
  const chunks = [randomBytes(10), randomBytes(70_000), Buffer.alloc(0), randomBytes(1)];
  await store.put(key, Readable.from(chunks));
  assert.ok((await store.get(key))!.equals(Buffer.concat(chunks)));
  await store.put(key, Buffer.from('short'));
  assert.equal((await store.get(key))!.toString(), 'short');
});

test('a body that fails mid-way leaves no object and no temporary file, and its error passes through', async () => {
  const { folder, store } = freshStore();
  const key = newBlobKey('instance');
  async function* failing() {
    yield randomBytes(1000);
    throw new Error('client went away');
  }
  await assert.rejects(store.put(key, failing()), /client went away/);
  assert.equal(await store.has(key), false);
  assert.deepEqual(readdirSync(join(folder, 'tmp')), []);
});

test('no path component is derived from the key: names are hashes in two shard levels, and no key text appears', async () => {
  const { folder, store } = freshStore();
  const keys = [newBlobKey('instance'), newBlobKey('render'), 'export/0123456789abcdef0123456789abcdef/fedcba9876543210fedcba9876543210'];
  for (const key of keys) await store.put(key, randomBytes(100));
  const files = walk(join(folder, 'objects')).filter((path) => statSync(path).isFile());
  assert.equal(files.length, keys.length);
  for (const file of files) {
    const parts = relative(join(folder, 'objects'), file).split(sep);
    assert.equal(parts.length, 3);
    assert.match(parts[2]!, /^[0-9a-f]{64}$/);
    assert.equal(parts[0], parts[2]!.slice(0, 2));
    assert.equal(parts[1], parts[2]!.slice(2, 4));
  }
  const everyName = walk(folder).map((path) => relative(folder, path)).join('\n');
  for (const key of keys) {
    for (const piece of key.split('/')) assert.ok(!everyName.includes(piece), `"${piece}" appears in a path`);
  }
  assert.deepEqual(new Set(keys.map((key) => store.pathOf(key))), new Set(files));
});

test('objects are 0600 and folders 0700', { skip: !posix ? 'POSIX only' : false }, async () => {
  const { folder, store } = freshStore();
  const key = newBlobKey('instance');
  await store.put(key, Buffer.from('x'));
  assert.equal(statSync(store.pathOf(key)).mode & 0o777, 0o600);
  for (const path of walk(folder).filter((p) => statSync(p).isDirectory())) assert.equal(statSync(path).mode & 0o777, 0o700, path);
});

test('keys that are not of our shape are refused on every method, without repeating them', async () => {
  const { store } = freshStore();
  const refused = [
    '',
    'instance',
    'instance/',
    '1.2.840.113619.2.55.3.604688119.868.1234567890.123',
    'instance/1.2.840.113619.2.55.3.604688119',
    'instance/../../etc/passwd',
    'instance/0123456789ABCDEF0123',
    'Instance/0123456789abcdef',
    'instance/0123456789abcde',
    'instance/DOE^JOHN',
    'instance/0123456789abcdef/',
    '/instance/0123456789abcdef',
    'instance//0123456789abcdef',
    'instance/0123456789abcdef/0123456789abcdef/0123456789abcdef/0123456789abcdef',
    `instance/${'a'.repeat(130)}`,
    'instance/0123456789abcdef\n',
  ];
  for (const key of refused) {
    assert.equal(isBlobKey(key), false, JSON.stringify(key));
    for (const call of [() => store.put(key, Buffer.from('x')), () => store.get(key), () => store.stream(key), () => store.has(key), () => store.delete(key)]) {
      await assert.rejects(call, (error: unknown) => {
        assert.ok(error instanceof MedVeilError);
        assert.equal(error.code, 'storage');
        if (key.length > 0) assert.ok(!error.message.includes(key), 'the refused key is not repeated');
        return true;
      });
    }
  }
  for (const key of ['instance/0123456789abcdef', 'a/0123456789abcdef0123456789abcdef', 'export-package/0123456789abcdef/0123456789abcdef']) {
    assert.equal(isBlobKey(key), true, key);
  }
});

test('newBlobKey() gives a 128-bit random id under its namespace and refuses a bad namespace', () => {
  assert.match(newBlobKey('instance'), /^instance\/[0-9a-f]{32}$/);
  assert.notEqual(newBlobKey('instance'), newBlobKey('instance'));
  assert.throws(() => newBlobKey('Patient Name'), MedVeilError);
});

const durableModes: ('js' | 'native')[] = ['js', ...(nativeFinishDurableFile === undefined ? [] : ['native' as const])];
test('the native addon is built here, so both ways of finishing a file are tested', () => {
  assert.notEqual(nativeFinishDurableFile, undefined);
});
for (const durableWrites of durableModes) {
  test(`${durableWrites} durable writes: bytes, and streams of many chunks past the write batch, round-trip; nothing stays in tmp`, async () => {
    const folder = join(root, `store-${++counter}`);
    const store = new FsBlobStore(folder, { durableWrites });
    const small = newBlobKey('instance');
    await store.put(small, Buffer.from('small object'));
    assert.equal((await store.get(small))!.toString(), 'small object');
    const large = newBlobKey('instance');
    const chunks = Array.from({ length: 300 }, (_, i) => randomBytes(1000 + 37 * i));
    await store.put(large, Readable.from(chunks));
    assert.ok((await store.get(large))!.equals(Buffer.concat(chunks)));
    assert.deepEqual(readdirSync(join(folder, 'tmp')), []);
    if (posix) assert.equal(statSync(store.pathOf(large)).mode & 0o777, 0o600);
    // New objects go straight to their path; replacing one goes through a temporary file.
    const replacement = Array.from({ length: 40 }, () => randomBytes(50_000));
    await store.put(large, Readable.from(replacement));
    assert.ok((await store.get(large))!.equals(Buffer.concat(replacement)));
    await store.put(small, Buffer.from('replaced'));
    assert.equal((await store.get(small))!.toString(), 'replaced');
    assert.deepEqual(readdirSync(join(folder, 'tmp')), []);
  });

  test(`${durableWrites} durable writes: a folder that cannot be created fails the put as a storage error naming the step, and leaves no temporary file`, { skip: !posix ? 'POSIX only' : false }, async () => {
    const folder = join(root, `store-${++counter}`);
    const store = new FsBlobStore(folder, { durableWrites });
    const key = newBlobKey('instance');
    // A file where the first shard folder belongs makes mkdir fail with ENOTDIR or EEXIST.
    const shard = join(folder, 'objects', relative(join(folder, 'objects'), store.pathOf(key)).split(sep)[0]!);
    writeFileSync(shard, 'in the way');
    for (const body of [Buffer.from('bytes'), Readable.from([randomBytes(10), randomBytes(10)])]) {
      await assert.rejects(store.put(key, body), (error: unknown) => error instanceof MedVeilError && error.code === 'storage' && /create the folder of|move into place/.test(error.message));
      assert.deepEqual(readdirSync(join(folder, 'tmp')), []);
    }
  });
}
