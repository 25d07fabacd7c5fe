import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { after, test } from 'node:test';
import { masterKeyFromBytes } from '../crypto/master-key-file.js';
import { cryptoSuites, type CryptoSuite } from '../crypto/suite.js';
import { encodeDicomFile } from '../dicom/write-dicom-file.js';
import { MedVeilError } from '../errors.js';
import { syntheticCorpus } from '../samples/synthetic-corpus.js';
import { FsBlobStore } from './adapters/fs-blob-store.js';
import { SqliteDataKeyStore } from './adapters/sqlite-data-key-store.js';
import { newBlobKey } from './blob-store.js';
import { EncryptedBlobStore } from './encrypted-blob-store.js';

const MiB = 1 << 20;
const root = mkdtempSync(join(tmpdir(), 'medveil-encrypted-blobs-'));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;

const master = masterKeyFromBytes(randomBytes(32));

function freshStore(suite: CryptoSuite, options: { segmentLog2?: number } = {}) {
  const folder = join(root, `case-${++counter}`);
  const blobs = new FsBlobStore(join(folder, 'objects'));
  const keys = new SqliteDataKeyStore(join(folder, 'keys.sqlite'));
  const store = new EncryptedBlobStore({ blobs, keys, master, suite, ...options });
  return { folder, blobs, keys, store, objectsFolder: join(folder, 'objects') };
}

function files(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The read failure every tampering must give: a storage error naming the object. */
function integrityFailure(key: string) {
  return (error: unknown) => {
    assert.ok(error instanceof MedVeilError, String(error));
    assert.equal(error.code, 'storage');
    assert.ok(error.message.startsWith(`object ${key}: integrity check failed`), error.message);
    return true;
  };
}

async function readStream(store: EncryptedBlobStore, key: string): Promise<Buffer> {
  const stream = await store.stream(key);
  assert.ok(stream, 'the object exists');
  return buffer(stream);
}

for (const suite of cryptoSuites) {
  test(`${suite}: objects of empty, 1 byte, segment-boundary and 20 MiB sizes round-trip through put/get, stream and open, from bytes and from streams`, async () => {
    const { store } = freshStore(suite);
    for (const size of [0, 1, MiB - 1, MiB, MiB + 1, 20 * MiB]) {
      const plaintext = randomBytes(size);
      const fromBytes = newBlobKey('instance');
      const fromStream = newBlobKey('instance');
      await store.put(fromBytes, plaintext, 'study-1');
      await store.put(fromStream, Readable.from([plaintext.subarray(0, 1000), plaintext.subarray(1000)]), 'study-1');
      for (const key of [fromBytes, fromStream]) {
        assert.ok((await store.get(key))!.equals(plaintext), `get ${size}`);
        assert.ok((await readStream(store, key)).equals(plaintext), `stream ${size}`);
        const opened = (await store.open(key))!;
        assert.equal(opened.size, size);
        assert.ok((await buffer(opened.stream)).equals(plaintext), `open ${size}`);
      }
    }
    assert.equal(await store.get(newBlobKey('instance')), undefined);
    assert.equal(await store.stream(newBlobKey('instance')), undefined);
  });

  test(`${suite}: the object folder holds no DICM marker and no planted token after storing a synthetic corpus (acceptance 6)`, async () => {
    const { store, objectsFolder } = freshStore(suite);
    const corpus = syntheticCorpus({ patients: 4, imagesPerPatient: 2, seed: `at rest ${suite}` });
    const plaintexts = corpus.files.map((file) => encodeDicomFile(file.file));
    const needles = [Buffer.from('DICM'), ...corpus.tokens.map((token) => Buffer.from(token.bytes)), ...corpus.tokens.map((token) => Buffer.from(token.text, 'utf8'))];
    // Control: the plaintext holds the marker and every token planted inside files (the others
    // are in the corpus's folder and file names, which are never stored), so absence below means something.
    const everyPlaintext = Buffer.concat(plaintexts);
    const inFiles = [Buffer.from('DICM'), ...corpus.tokens.filter((token) => !/(folder|file) name$/.test(token.place)).map((token) => Buffer.from(token.bytes))];
    assert.ok(inFiles.length > 500);
    for (const needle of inFiles) assert.ok(everyPlaintext.includes(needle), `control: ${needle.toString('hex')} is in the plaintext`);

    const keys = [];
    for (const [i, bytes] of plaintexts.entries()) {
      const key = newBlobKey('instance');
      keys.push(key);
      await store.put(key, i % 2 === 0 ? bytes : Readable.from([bytes]), corpus.files[i]!.patient);
    }
    const stored = files(objectsFolder).map((path) => ({ path, bytes: readFileSync(path) }));
    assert.equal(stored.length, plaintexts.length);
    for (const { path, bytes } of stored) {
      for (const needle of needles) assert.ok(!bytes.includes(needle), `${needle.toString('hex')} found in ${path}`);
      for (const needle of needles) assert.ok(!path.includes(needle.toString('latin1')), `a path holds ${needle.toString('latin1')}`);
    }
    for (const [i, key] of keys.entries()) assert.ok((await store.get(key))!.equals(plaintexts[i]!));
  });

  test(`${suite}: one flipped bit at any byte of a stored object (header, ciphertext or tag of any segment) fails the read, naming the object`, async () => {
    const { store, blobs } = freshStore(suite, { segmentLog2: 10 });
    const key = newBlobKey('instance');
    await store.put(key, randomBytes(2100), 'study-1');
    const path = blobs.pathOf(key);
    const original = readFileSync(path);
    for (let at = 0; at < original.length; at++) {
      const tampered = Buffer.from(original);
      tampered[at]! ^= 1 << (at % 8);
      writeFileSync(path, tampered);
      await assert.rejects(store.get(key), integrityFailure(key), `byte ${at}`);
      await assert.rejects(async () => buffer((await store.open(key))!.stream), integrityFailure(key), `open byte ${at}`);
      if (at % 211 === 0) await assert.rejects(readStream(store, key), integrityFailure(key), `stream byte ${at}`);
    }
    writeFileSync(path, original);
    assert.equal((await store.get(key))!.length, 2100);
  });

  test(`${suite}: a truncated or extended object, and an object copied over another's name, fail the read`, async () => {
    const { store, blobs } = freshStore(suite, { segmentLog2: 10 });
    const key = newBlobKey('instance');
    const other = newBlobKey('instance');
    await store.put(key, randomBytes(3000), 'study-1');
    await store.put(other, randomBytes(3000), 'study-1');
    const original = readFileSync(blobs.pathOf(key));
    for (const [name, bytes] of [
      ['empty', Buffer.alloc(0)],
      ['last byte cut', original.subarray(0, -1)],
      ['cut at a segment boundary', original.subarray(0, original.length - (3000 - 2048) - (suite === 'intl' ? 16 : 32))],
      ['a byte appended', Buffer.concat([original, Buffer.from([0])])],
    ] as const) {
      writeFileSync(blobs.pathOf(key), bytes);
      await assert.rejects(store.get(key), integrityFailure(key), name);
      await assert.rejects(readStream(store, key), integrityFailure(key), `stream: ${name}`);
      await assert.rejects(async () => buffer((await store.open(key))!.stream), integrityFailure(key), `open: ${name}`);
    }
    copyFileSync(blobs.pathOf(other), blobs.pathOf(key));
    await assert.rejects(store.get(key), integrityFailure(key), 'moved from another name');
  });
}

test('a destroyed scope key makes its objects unreadable, says so, and leaves other scopes and new objects readable', async () => {
  const { store } = freshStore('intl');
  const purged = newBlobKey('instance');
  const kept = newBlobKey('instance');
  await store.put(purged, Buffer.from('purge me'), 'export-1');
  await store.put(kept, Buffer.from('keep me'), 'study-2');
  const destroyedId = await store.destroyScopeKey('export-1');
  assert.match(destroyedId ?? '', /^[0-9a-f]{32}$/);
  assert.equal(await store.destroyScopeKey('export-1'), undefined);
  const destroyed = (error: unknown) => {
    assert.ok(error instanceof MedVeilError);
    assert.equal(error.code, 'storage');
    assert.match(error.message, new RegExp(`object ${purged} cannot be read: its data key ${destroyedId} was destroyed at \\d{4}-`));
    return true;
  };
  await assert.rejects(store.get(purged), destroyed);
  await assert.rejects(readStream(store, purged), destroyed);
  assert.equal((await store.get(kept))!.toString(), 'keep me');
  const again = newBlobKey('instance');
  await store.put(again, Buffer.from('new key'), 'export-1');
  assert.equal((await store.get(again))!.toString(), 'new key');
  await assert.rejects(store.get(purged), destroyed, 'the new key of the scope does not revive old objects');
});

test('another master key reads nothing and stores nothing in an existing scope: a key error naming both master key ids', async () => {
  const { blobs, keys, store } = freshStore('gm');
  const key = newBlobKey('instance');
  await store.put(key, Buffer.from('secret'), 'study-1');
  const intruder = masterKeyFromBytes(randomBytes(32));
  const wrong = new EncryptedBlobStore({ blobs, keys, master: intruder, suite: 'gm' });
  const wrongMaster = (error: unknown) => error instanceof MedVeilError && error.code === 'key' && error.message.includes(master.id) && error.message.includes(intruder.id);
  await assert.rejects(wrong.get(key), wrongMaster);
  await assert.rejects(readStream(wrong, key), wrongMaster);
  await assert.rejects(wrong.put(newBlobKey('instance'), Buffer.from('x'), 'study-1'), wrongMaster);
});

test('a changed wrapped data key in the key store fails every read of its objects as an integrity failure', async () => {
  const { keys, store } = freshStore('intl');
  const key = newBlobKey('instance');
  await store.put(key, Buffer.from('secret'), 'study-1');
  const stored = (await keys.forScope('study-1'))!;
  const tampered = Buffer.from(stored.wrapped);
  tampered[60]! ^= 0x01;
  assert.equal(await keys.replaceWrapped(stored.id, { expected: stored.wrapped, wrapped: tampered }), true);
  await assert.rejects(store.get(key), integrityFailure(key));
});

test('objects of one scope share its data key; different scopes get different keys of the configured suite', async () => {
  const { keys, store } = freshStore('gm');
  await store.put(newBlobKey('instance'), Buffer.from('a'), 'study-1');
  await store.put(newBlobKey('instance'), Buffer.from('b'), 'study-1');
  await store.put(newBlobKey('instance'), Buffer.from('c'), 'study-2');
  const ids = await keys.liveIds();
  assert.equal(ids.length, 2);
  const first = (await keys.forScope('study-1'))!;
  assert.equal(first.wrapped[5], 2, 'suite byte: gm');
});

test('a failing body stores nothing and its error reaches the caller', async () => {
  const { store, objectsFolder } = freshStore('intl');
  const key = newBlobKey('instance');
  async function* failing() {
    yield randomBytes(3 * MiB);
    throw new Error('client went away');
  }
  await assert.rejects(store.put(key, failing(), 'study-1'), /client went away/);
  assert.equal(await store.has(key), false);
  assert.deepEqual(files(objectsFolder), []);
});

test('objects sealed in segments larger than the default (2 MiB) read back through get and open', async () => {
  const { store } = freshStore('intl', { segmentLog2: 21 });
  for (const size of [3 * MiB, 2 * MiB - 5]) {
    const plaintext = randomBytes(size);
    const key = newBlobKey('instance');
    await store.put(key, plaintext, 'study-1');
    assert.ok((await store.get(key))!.equals(plaintext), `get ${size}`);
    assert.ok((await buffer((await store.open(key))!.stream)).equals(plaintext), `open ${size}`);
  }
});

test('open() rejects before any byte for a damaged object of one segment, and passes the first segment of a longer one only once it verified', async () => {
  const { store, blobs } = freshStore('intl', { segmentLog2: 10 });
  const small = newBlobKey('instance');
  const large = newBlobKey('instance');
  const plaintext = randomBytes(3000);
  await store.put(small, randomBytes(900), 'study-1');
  await store.put(large, plaintext, 'study-1');
  const smallPath = blobs.pathOf(small);
  const damaged = readFileSync(smallPath);
  damaged[damaged.length - 3]! ^= 0x10;
  writeFileSync(smallPath, damaged);
  await assert.rejects(store.open(small), integrityFailure(small));

  const largePath = blobs.pathOf(large);
  const sealed = readFileSync(largePath);
  sealed[sealed.length - 20]! ^= 0x01;
  writeFileSync(largePath, sealed);
  const opened = await store.open(large);
  assert.ok(opened !== undefined);
  assert.equal(opened.size, plaintext.length);
  const served: Buffer[] = [];
  await assert.rejects(async () => {
    for await (const segment of opened.stream) served.push(segment);
  }, integrityFailure(large), 'the damaged last segment fails the stream');
  assert.deepEqual(served.map((segment) => segment.length), [1024, 1024], 'the segments before it, each whole and verified');
  assert.ok(Buffer.concat(served).equals(plaintext.subarray(0, 2048)));
  assert.equal(await store.open(newBlobKey('instance')), undefined);
});

/** A master key that counts how often its bytes are used, which is once or more per unwrap. */
function countingMaster() {
  const counter = { uses: 0 };
  return { counter, master: { id: master.id, get key() { counter.uses++; return master.key; } } };
}

test('a data key is unwrapped once for many reads and puts of its scope, and the cache keeps at most cachedDataKeys keys', async () => {
  const { blobs, keys } = freshStore('intl');
  const { counter, master: counted } = countingMaster();
  const store = new EncryptedBlobStore({ blobs, keys, master: counted, suite: 'intl', cachedDataKeys: 2 });
  const objects = [];
  for (const scope of ['study-1', 'study-1', 'study-2', 'study-3']) {
    const key = newBlobKey('instance');
    await store.put(key, Buffer.from(scope), scope);
    objects.push(key);
  }
  const afterPuts = counter.uses;
  for (let round = 0; round < 3; round++) {
    assert.equal((await store.get(objects[2]!))!.toString(), 'study-2');
    assert.equal((await store.get(objects[3]!))!.toString(), 'study-3');
    await store.put(newBlobKey('instance'), Buffer.from('more'), 'study-3');
  }
  assert.equal(counter.uses, afterPuts, 'the keys of study-2 and study-3 came from the cache');
  assert.equal((await store.get(objects[0]!))!.toString(), 'study-1');
  assert.ok(counter.uses > afterPuts, 'study-1 was dropped from a cache of two keys and unwrapped again');
});

test('a destroyed data key is never served from the cache: destroyed through this store, or through another sharing its key database', async () => {
  const { blobs, keys, store } = freshStore('intl');
  const destroyed = (error: unknown) => error instanceof MedVeilError && error.code === 'storage' && /was destroyed at/.test(error.message);
  const here = newBlobKey('instance');
  await store.put(here, Buffer.from('one'), 'study-1');
  assert.equal((await store.get(here))!.toString(), 'one');
  await store.destroyScopeKey('study-1');
  await assert.rejects(store.get(here), destroyed);
  await assert.rejects(store.open(here), destroyed);

  const elsewhere = newBlobKey('instance');
  await store.put(elsewhere, Buffer.from('two'), 'study-2');
  assert.equal((await store.get(elsewhere))!.toString(), 'two');
  const otherProcess = new EncryptedBlobStore({ blobs, keys, master, suite: 'intl' });
  await otherProcess.destroyScopeKey('study-2');
  await assert.rejects(store.get(elsewhere), destroyed);
  await assert.rejects(readStream(store, elsewhere), destroyed);
  const fresh = newBlobKey('instance');
  await store.put(fresh, Buffer.from('three'), 'study-2');
  assert.equal((await otherProcess.get(fresh))!.toString(), 'three', 'a put after the destroy seals under a new key');
});
