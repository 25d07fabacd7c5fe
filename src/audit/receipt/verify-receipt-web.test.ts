import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '../../../test/support/repo-root.js';
import { SqliteAuditStore } from '../../storage/adapters/sqlite-audit-store.js';
import type { AuditEventInput } from '../event/audit-event.js';
import { AuditLog } from '../log/audit-log.js';
import { leafHash } from '../merkle/hash.js';
import { verifyInclusion } from '../merkle/verify.js';
import { cosign } from '../note/cosignature.js';
import { generateLogKeys, generateWitnessKeys } from '../note/log-keys.js';
import { openNote } from '../note/open-note.js';
import { parseNote } from '../note/parse-note.js';
import { signNote } from '../note/sign-note.js';
import { parseSignerKey } from '../note/signer-key.js';
import { parseVerifierKey } from '../note/verifier-key.js';
import { buildReceipt } from './build-receipt.js';
import { formatReceipt, parseReceipt } from './receipt.js';
import { verifyReceipt } from './verify-receipt.js';
import { verifyReceiptWeb } from './verify-receipt-web.js';
import { rootFromInclusionProofWeb } from './web-inclusion.js';
import { parseNoteWeb, parseVerifierKeyWeb, verifyNoteSignatureWeb } from './web-note.js';

const origin = 'hospital.example/audit';
const logKeys = generateLogKeys(origin, 'gm');
const witnessKeys = generateWitnessKeys('regulator.example/witness');
const allKeys = [...logKeys.verifierKeys, ...witnessKeys.verifierKeys];
const T0 = Date.UTC(2025, 2, 1, 8, 0, 0);
const COSIGNED_AT = 1_740_816_000;

function event(i: number): AuditEventInput {
  return {
    type: i % 3 === 0 ? 'view-masked' : 'view',
    outcome: 'success',
    actor: { user: `user${i % 4}`, role: 'clinician' },
    objects: [{ study: `1.2.840.99.${i + 1}`, patient: `MV-pseudo-${i % 5}` }],
  };
}

/** A real log: 41 events appended to SQLite, a checkpoint signed Ed25519 + SM2, cosigned by a witness; the receipt of event `index`, as the audit API builds it. */
async function realReceipt(index: number): Promise<{ text: string; leaf: Uint8Array }> {
  const store = new SqliteAuditStore(':memory:');
  let now = T0;
  const log = await AuditLog.open({ store, origin, clock: { now: () => now++ }, signer: (body) => signNote(body, logKeys.signerKeys.map((k) => parseSignerKey(k))) });
  for (let i = 0; i < 41; i++) await log.append(event(i));
  const checkpoint = await log.checkpoint();
  const line = cosign(parseNote(checkpoint.note).body, parseSignerKey(witnessKeys.signerKeys[0]!, { now: () => COSIGNED_AT * 1000 }));
  await log.recordCosignature({ size: checkpoint.size, witness: witnessKeys.name, line });
  const leaf = (await log.readEvent(index))!;
  const cosignatures = await log.cosignatures(checkpoint.size);
  const text = await buildReceipt({ index, leaf, checkpoint: checkpoint.note + cosignatures.map((c) => `${c.line}\n`).join(''), reader: store });
  await log.close();
  return { text, leaf };
}

function nodeVerifies(text: string, keys: readonly string[], policy: { minWitnesses?: number } = {}): boolean {
  try {
    verifyReceipt(text, { keys: keys.map(parseVerifierKey), ...policy });
    return true;
  } catch {
    return false;
  }
}

/** The signature line of `name` in `note` with one bit of its signature bytes flipped. */
function flipSignature(note: string, name: string): string {
  const line = parseNote(note).signatures.find((s) => s.name === name)!.line;
  const raw = Buffer.from(line.trim().split(' ')[2]!, 'base64');
  raw[raw.length - 1]! ^= 0x01;
  return note.replace(line, `\u2014 ${name} ${raw.toString('base64')}\n`);
}

test('verifyReceiptWeb() verifies a receipt of a real log: leaf hash, computed root, both log signatures and the witness, as the node verifier does', async () => {
  for (const index of [0, 7, 32, 40]) {
    const { text, leaf } = await realReceipt(index);
    const result = await verifyReceiptWeb(text, allKeys);
    assert.equal(result.ok, true, result.reason);
    assert.equal(result.reason, undefined);
    assert.equal(result.index, index);
    assert.equal(result.leafHash, Buffer.from(leafHash(leaf)).toString('base64'));
    assert.equal(result.checkpoint?.size, 41);
    assert.equal(result.computedRoot, result.checkpoint?.rootHash);
    assert.deepEqual(result.inclusion, { status: 'ok' });
    assert.deepEqual(result.logSignatures.map((s) => [s.name, s.kind, s.status]), [[origin, 'ed25519', 'ok'], [origin, 'sm2', 'ok']]);
    assert.deepEqual(result.witnesses.map((w) => [w.name, w.status, w.timestamp, w.time]), [[witnessKeys.name, 'ok', COSIGNED_AT, new Date(COSIGNED_AT * 1000).toISOString()]]);
    const verified = verifyReceipt(text, { keys: allKeys.map(parseVerifierKey) });
    assert.deepEqual(result.event, verified.event);
    assert.deepEqual(result.witnesses.map((w) => ({ name: w.name, timestamp: w.timestamp })), verified.witnesses);
  }
});

test('verifyReceiptWeb() fails a tampered receipt at the check that breaks, with its reason, where the node verifier fails too', async () => {
  const { text } = await realReceipt(9);
  const good = parseReceipt(text);
  const other = await realReceipt(10);
  const rootLine = good.checkpoint.split('\n')[2]!;
  const changedRoot = Buffer.from(rootLine, 'base64');
  changedRoot[0]! ^= 0x80;
  const sm2Line = parseNote(good.checkpoint).signatures[1]!.line;
  const witnessLine = parseNote(good.checkpoint).signatures[2]!.line;
  const cases: { name: string; receipt: string; reason: RegExp; expect: (r: Awaited<ReturnType<typeof verifyReceiptWeb>>) => void }[] = [
    {
      name: 'a changed proof hash',
      receipt: formatReceipt({ ...good, inclusionProof: good.inclusionProof.map((h, i) => (i === 1 ? h.map((b) => b ^ 0xff) : h)) }),
      reason: /inclusion proof: the calculated root does not match/,
      expect: (r) => {
        assert.equal(r.inclusion.status, 'failed');
        assert.notEqual(r.computedRoot, r.checkpoint?.rootHash);
        assert.ok(r.logSignatures.every((s) => s.status === 'ok'));
      },
    },
    {
      name: 'a changed leaf',
      receipt: formatReceipt({ ...good, leaf: parseReceipt(other.text).leaf }),
      reason: /inclusion proof/,
      expect: (r) => {
        assert.equal(r.inclusion.status, 'failed');
        assert.equal(r.leafHash, Buffer.from(leafHash(other.leaf)).toString('base64'));
      },
    },
    {
      name: 'a changed checkpoint root',
      receipt: formatReceipt({ ...good, checkpoint: good.checkpoint.replace(`\n${rootLine}\n`, `\n${changedRoot.toString('base64')}\n`) }),
      reason: /invalid signature by hospital\.example\/audit/,
      expect: (r) => {
        assert.deepEqual(r.logSignatures.map((s) => s.status), ['failed', 'failed']);
        assert.equal(r.witnesses[0]!.status, 'failed');
        assert.equal(r.inclusion.status, 'failed');
      },
    },
    {
      name: 'a changed Ed25519 log signature',
      receipt: formatReceipt({ ...good, checkpoint: flipSignature(good.checkpoint, origin) }),
      reason: /invalid signature by hospital\.example\/audit/,
      expect: (r) => {
        assert.deepEqual(r.logSignatures.map((s) => s.status), ['failed', 'ok']);
        assert.equal(r.inclusion.status, 'ok');
      },
    },
    {
      name: 'a changed cosignature',
      receipt: formatReceipt({ ...good, checkpoint: flipSignature(good.checkpoint, witnessKeys.name) }),
      reason: /invalid signature by regulator\.example\/witness/,
      expect: (r) => {
        assert.equal(r.witnesses[0]!.status, 'failed');
        assert.deepEqual(r.logSignatures.map((s) => s.status), ['ok', 'ok']);
      },
    },
    {
      name: 'the SM2 line removed',
      receipt: formatReceipt({ ...good, checkpoint: good.checkpoint.replace(sm2Line, '') }),
      reason: /lacks a signature by log key/,
      expect: (r) => assert.deepEqual(r.logSignatures.map((s) => s.status), ['ok', 'missing']),
    },
    {
      name: 'the cosignature removed',
      receipt: formatReceipt({ ...good, checkpoint: good.checkpoint.replace(witnessLine, '') }),
      reason: /0 valid witness cosignature\(s\), policy needs 1/,
      expect: (r) => assert.equal(r.witnesses[0]!.status, 'missing'),
    },
    {
      name: 'an index beyond the tree',
      receipt: formatReceipt({ ...good, index: 41 }),
      reason: /outside the checkpointed tree of 41 events/,
      expect: (r) => assert.equal(r.inclusion.status, 'failed'),
    },
    {
      name: 'a malformed receipt',
      receipt: text.replace('tlog-proof@v1', 'tlog-proof@v2'),
      reason: /malformed receipt/,
      expect: (r) => assert.equal(r.inclusion.status, 'not-checked'),
    },
  ];
  for (const { name, receipt, reason, expect } of cases) {
    const result = await verifyReceiptWeb(receipt, allKeys);
    assert.equal(result.ok, false, name);
    assert.match(result.reason ?? '', reason, name);
    expect(result);
    assert.equal(nodeVerifies(receipt, allKeys), false, `${name}: the node verifier accepts it`);
  }
});

test('verifyReceiptWeb() trusts no key it was not given, and explains a bad key', async () => {
  const { text } = await realReceipt(3);
  const stranger = generateLogKeys(origin, 'intl').verifierKeys;
  const cases: [string, readonly string[], RegExp][] = [
    ["another log's key", stranger, /no signature from a trusted key/],
    ['only the witness key', witnessKeys.verifierKeys, /no log key given/],
    ['a key with a wrong key ID', [logKeys.verifierKeys[0]!.replace(/\+[0-9a-f]{8}\+/, '+00000000+')], /the key ID does not match the key/],
    ['not a key', ['hello'], /not a verifier key/],
  ];
  for (const [name, keys, reason] of cases) {
    const result = await verifyReceiptWeb(text, keys);
    assert.equal(result.ok, false, name);
    assert.match(result.reason ?? '', reason, name);
    assert.equal(nodeVerifies(text, keys.filter((k) => k !== 'hello' && !k.includes('+00000000+'))), false, name);
  }
  const ed25519Only = await verifyReceiptWeb(text, [logKeys.verifierKeys[0]!]);
  assert.equal(ed25519Only.ok, true, ed25519Only.reason);
  assert.deepEqual(ed25519Only.otherSigners, [origin, witnessKeys.name]);
  const keyFile = `# the log's keys\n${logKeys.verifierKeys.join('\n')}\n\n${witnessKeys.verifierKeys[0]}\n`;
  assert.equal((await verifyReceiptWeb(text, [keyFile])).ok, true);
  assert.match((await verifyReceiptWeb(text, [logKeys.verifierKeys[0]!], { origin: 'other.example/log' })).reason ?? '', /expected "other.example\/log"/);
  assert.match((await verifyReceiptWeb(text, [logKeys.verifierKeys[0]!], { minWitnesses: 1 })).reason ?? '', /policy needs 1/);
  assert.equal(nodeVerifies(text, [logKeys.verifierKeys[0]!], { minWitnesses: 1 }), false);
});

test('the web inclusion check agrees with merkle/verify.ts and the labels on every inclusion vector of the shared C2SP test data', async () => {
  const folder = join(repoRoot(), '..', 'shared', 'specs', 'merkle-testdata', 'inclusion');
  const files = listJson(folder);
  assert.ok(files.length > 50, `found only ${files.length} inclusion vectors`);
  const disagreements: string[] = [];
  for (const path of files) {
    // Indexes up to 2^64 - 1 appear; JSON.parse would round them.
    const vector = JSON.parse(readFileSync(path, 'utf8').replace(/:\s*(\d{16,})/g, ': "$1"')) as Record<string, unknown> & { wantErr: boolean };
    const count = (v: unknown) => (typeof v === 'string' ? BigInt(v) : (v as number));
    const bytes = (v: unknown) => new Uint8Array(Buffer.from(v as string, 'base64'));
    const proof = ((vector.proof as string[] | null) ?? []).map(bytes);
    let nodeOk = true;
    try {
      verifyInclusion(bytes(vector.leafHash), count(vector.leafIdx), count(vector.treeSize), proof, bytes(vector.root));
    } catch {
      nodeOk = false;
    }
    const computed = await rootFromInclusionProofWeb(bytes(vector.leafHash), count(vector.leafIdx), count(vector.treeSize), proof);
    const webOk = 'root' in computed && Buffer.from(computed.root).equals(Buffer.from(bytes(vector.root)));
    if (webOk !== nodeOk || webOk === vector.wantErr) disagreements.push(`${path}: web ${webOk}, node ${nodeOk}, wantErr ${vector.wantErr}`);
  }
  assert.deepEqual(disagreements, []);
});

test('the web note verifier accepts the signed-note spec example as openNote() does, and refuses it changed', async () => {
  const vkey = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';
  const note = 'This is an example message.\n\n\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';
  const key = await parseVerifierKeyWeb(vkey);
  for (const [text, ok] of [[note, true], [note.replace('example message', 'exemplary message'), false]] as const) {
    const parsed = parseNoteWeb(text);
    const check = await verifyNoteSignatureWeb(key, new TextEncoder().encode(parsed.body), parsed.signatures[0]!.signature);
    assert.equal(check.status, ok ? 'ok' : 'failed');
    assert.equal(nodeOpens(text, vkey), ok);
  }
});

test('the browser verifier and everything it imports use no Node built-in: only relative modules and sm-crypto-v2', () => {
  const here = dirname(fileURLToPath(import.meta.url));
  const seen = new Set<string>();
  const outside = new Set<string>();
  const pending = [join(here, 'verify-receipt-web.js')];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    assert.doesNotMatch(source, /\bBuffer\.|\bprocess\.|\brequire\(/, file);
    for (const [, specifier] of source.matchAll(/(?:from\s+|import\(\s*)'([^']+)'/g)) {
      if (specifier!.startsWith('.')) pending.push(resolve(dirname(file), specifier!));
      else outside.add(specifier!);
    }
  }
  assert.deepEqual([...outside], ['sm-crypto-v2']);
  assert.ok(seen.size >= 5);
});

function nodeOpens(note: string, vkey: string): boolean {
  try {
    openNote(note, [parseVerifierKey(vkey)]);
    return true;
  } catch {
    return false;
  }
}

function listJson(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listJson(path) : name.endsWith('.json') ? [path] : [];
  });
}
