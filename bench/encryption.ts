/*
 * `npm run bench -- encryption [--mib N] [--runs N]`: throughput of encryption at rest on one
 * random buffer (default 8 MiB, the size of a CR image of the benchmark corpus):
 *   - plain copy (memcpy), the floor every other row is compared with;
 *   - sealObject/openObject under intl (AES-256-GCM) and gm (SM4-CTR + HMAC-SM3), 1 MiB segments;
 *   - the primitives of the gm construction alone (OpenSSL SM4-CTR, HMAC-SM3);
 *   - sm-crypto-v2's pure JavaScript SM4-GCM, the alternative docs/decisions/encryption-at-rest.md weighs;
 *   - put + get of the buffer through FsBlobStore, plain and through EncryptedBlobStore.
 * Prints a Markdown table: median MB/s (10^6 bytes) over the runs, and the ratio to plain copy.
 */
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sm4 as smCryptoSm4 } from 'sm-crypto-v2';
import { generateDataKey } from '../src/crypto/envelope.js';
import { openObject, sealObject } from '../src/crypto/envelope-object.js';
import { masterKeyFromBytes } from '../src/crypto/master-key-file.js';
import { FsBlobStore } from '../src/storage/adapters/fs-blob-store.js';
import { SqliteDataKeyStore } from '../src/storage/adapters/sqlite-data-key-store.js';
import { newBlobKey } from '../src/storage/blob-store.js';
import { EncryptedBlobStore } from '../src/storage/encrypted-blob-store.js';

function option(argv: string[], name: string, fallback: number): number {
  const at = argv.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(argv[at + 1]);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} needs a positive integer`);
  return value;
}

interface Row {
  readonly name: string;
  readonly run: () => unknown | Promise<unknown>;
  readonly runs?: number;
}

async function medianSeconds(row: Row, runs: number): Promise<number> {
  await row.run();
  const times: number[] = [];
  for (let i = 0; i < (row.runs ?? runs); i++) {
    const started = performance.now();
    await row.run();
    times.push((performance.now() - started) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

async function main(argv: string[]): Promise<void> {
  const mib = option(argv, '--mib', 8);
  const runs = option(argv, '--runs', 7);
  const plaintext = randomBytes(mib << 20);
  const identity = newBlobKey('instance');
  const aes = generateDataKey('intl');
  const sm = generateDataKey('gm');
  const sealedAes = sealObject(plaintext, { dataKey: aes, identity });
  const sealedSm = sealObject(plaintext, { dataKey: sm, identity });
  const key16 = randomBytes(16);
  const iv12 = randomBytes(12);

  const folder = mkdtempSync(join(tmpdir(), 'medveil-bench-encryption-'));
  try {
    const blobs = new FsBlobStore(join(folder, 'objects'));
    const keys = new SqliteDataKeyStore(join(folder, 'keys.sqlite'));
    const master = masterKeyFromBytes(randomBytes(32));
    const encrypted = {
      intl: new EncryptedBlobStore({ blobs, keys, master, suite: 'intl' }),
      gm: new EncryptedBlobStore({ blobs, keys, master, suite: 'gm' }),
    };
    const storeKey = newBlobKey('instance');

    const rows: Row[] = [
      { name: 'plain copy', run: () => Buffer.from(plaintext) },
      { name: 'seal, intl (AES-256-GCM)', run: () => sealObject(plaintext, { dataKey: aes, identity }) },
      { name: 'open, intl (AES-256-GCM)', run: () => openObject(sealedAes, { dataKey: aes, identity }) },
      { name: 'seal, gm (SM4-CTR + HMAC-SM3)', run: () => sealObject(plaintext, { dataKey: sm, identity }) },
      { name: 'open, gm (SM4-CTR + HMAC-SM3)', run: () => openObject(sealedSm, { dataKey: sm, identity }) },
      { name: 'gm part: SM4-CTR alone (OpenSSL)', run: () => createCipheriv('sm4-ctr', key16, randomBytes(16)).update(plaintext) },
      { name: 'gm part: HMAC-SM3 alone (OpenSSL)', run: () => createHmac('sm3', key16).update(plaintext).digest() },
      {
        name: 'alternative: SM4-GCM, sm-crypto-v2 (pure JS)',
        runs: 3,
        run: () => smCryptoSm4.encrypt(plaintext, key16, { mode: 'gcm', iv: iv12, output: 'array', outputTag: true, padding: 'none' }),
      },
      { name: 'FsBlobStore put + get, plain', run: async () => (await blobs.put(storeKey, plaintext), await blobs.get(storeKey)) },
      { name: 'EncryptedBlobStore put + get, intl', run: async () => (await encrypted.intl.put(storeKey, plaintext, 'bench-intl'), await encrypted.intl.get(storeKey)) },
      { name: 'EncryptedBlobStore put + get, gm', run: async () => (await encrypted.gm.put(storeKey, plaintext, 'bench-gm'), await encrypted.gm.get(storeKey)) },
    ];

    const say = (line = '') => console.log(line);
    say(`Encryption at rest: ${mib} MiB buffer, median of ${runs} runs (3 for pure JS SM4-GCM), ${cpus().length} CPUs, load ${loadavg()[0]!.toFixed(2)}, Node ${process.versions.node}, OpenSSL ${process.versions.openssl}`);
    say();
    say('| operation | MB/s | time per buffer | vs plain copy |');
    say('| --- | ---: | ---: | ---: |');
    let copySeconds = 0;
    for (const row of rows) {
      const seconds = await medianSeconds(row, runs);
      if (row.name === 'plain copy') copySeconds = seconds;
      const rate = plaintext.length / seconds / 1e6;
      say(`| ${row.name} | ${rate.toFixed(0)} | ${(seconds * 1000).toFixed(1)} ms | ${(copySeconds / seconds).toFixed(3)}x |`);
    }
    await keys.close();
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

await main(process.argv.slice(2));
