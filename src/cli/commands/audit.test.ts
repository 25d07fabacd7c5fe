import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { AuditLog } from '../../audit/log/audit-log.js';
import { parseSecretKeyFile } from '../../audit/note/log-keys.js';
import { signNote } from '../../audit/note/sign-note.js';
import { SqliteAuditStore } from '../../storage/adapters/sqlite-audit-store.js';
import { MEDVEIL_BIN, MEDVEIL_NODE_ARGS, medveilAsync } from '../../../test/support/medveil-cli.js';
import { acquireServerLock } from '../../server/server-lock.js';

/** Runs `medveil audit ...` as a child process and returns what it printed and its exit code. */
async function medveil(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const run = await medveilAsync(args);
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const origin = 'hospital.example/audit';

async function makeLog(dir: string, count: number): Promise<string> {
  assert.equal((await medveil('audit', 'keygen', '--name', origin, '--suite', 'gm', '--out', join(dir, 'log'))).code, 0);
  const signers = parseSecretKeyFile(readFileSync(join(dir, 'log.key'), 'utf8'));
  const db = join(dir, 'audit.sqlite');
  let now = Date.UTC(2025, 2, 1, 8);
  const log = await AuditLog.open({ store: new SqliteAuditStore(db), origin, clock: { now: () => now++ }, signer: (body) => signNote(body, signers) });
  await Promise.all(Array.from({ length: count }, (_, i) => log.append({
    type: i % 3 === 0 ? 'view' : 'query', outcome: 'success', actor: { user: `user${i}`, address: '10.0.0.7' },
    objects: [{ study: `1.2.840.99.${i + 1}` }],
  })));
  await log.checkpoint();
  await log.close();
  return db;
}

test('audit verify passes an intact log and names the first bad index after an event is edited', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'medveil-cli-audit-'));
  try {
    const db = await makeLog(dir, 40);
    const pub = join(dir, 'log.pub');
    const ok = await medveil('audit', 'verify', '--db', db, '--key', pub);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /^ok: 40 events/);
    // An administrator with the file drops the append-only triggers and edits event 17.
    const raw = new Database(db);
    raw.exec('DROP TRIGGER audit_events_no_update');
    raw.exec("UPDATE audit_events SET data = CAST(replace(CAST(data AS TEXT), 'user17', 'user99') AS BLOB) WHERE idx = 17");
    raw.close();
    const bad = await medveil('audit', 'verify', '--db', db, '--key', pub);
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /first bad index: 17\n/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('audit prove writes a receipt that audit verify-receipt accepts with the public key only, and a tampered one fails', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'medveil-cli-audit-'));
  try {
    const db = await makeLog(dir, 25);
    const receipt = join(dir, 'e12.tlog-proof');
    assert.equal((await medveil('audit', 'prove', '12', '--db', db, '--out', receipt)).code, 0);
    const ok = await medveil('audit', 'verify-receipt', receipt, '--key', join(dir, 'log.pub'));
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /verified: event 12 of 25 in hospital.example\/audit/);
    assert.match(ok.stdout, /view success by user12/);
    writeFileSync(receipt, readFileSync(receipt, 'utf8').replace('index 12', 'index 13'));
    const bad = await medveil('audit', 'verify-receipt', receipt, '--key', join(dir, 'log.pub'));
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /inclusion proof/);
    assert.equal((await medveil('audit', 'prove', '99', '--db', db)).code, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('audit export --format atna writes one octet-counted syslog message per event, and tail lists the latest', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'medveil-cli-audit-'));
  try {
    const db = await makeLog(dir, 7);
    const file = join(dir, 'atna.log');
    assert.equal((await medveil('audit', 'export', '--format', 'atna', '--db', db, '--from', '2', '--out', file)).code, 0);
    let bytes = readFileSync(file);
    const messages: string[] = [];
    while (bytes.length > 0) {
      const space = bytes.indexOf(0x20);
      const length = Number(bytes.subarray(0, space).toString('ascii'));
      messages.push(bytes.subarray(space + 1, space + 1 + length).toString('utf8'));
      bytes = bytes.subarray(space + 1 + length);
    }
    assert.equal(messages.length, 5);
    assert.ok(messages.every((m) => m.startsWith('<85>1 2025-03-01T08:00:00.') && m.includes('IHE+RFC-3881') && m.endsWith('</AuditMessage>')));
    assert.match(messages[1]!, /ParticipantObjectID="3"/);
    const tail = await medveil('audit', 'tail', '--db', db, '-n', '2');
    assert.equal(tail.code, 0);
    assert.match(tail.stdout, /^5\t.*\tquery\tsuccess\tuser5\n6\t.*\tview\tsuccess\tuser6\n7 events; latest checkpoint covers 7/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('medveil witness over HTTP cosigns the log checkpoint, and audit checkpoint reports a refused rollback', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'medveil-cli-witness-'));
  try {
    const db = await makeLog(dir, 10);
    assert.equal((await medveil('audit', 'keygen', '--witness', '--name', 'regulator.example/w1', '--out', join(dir, 'w1'))).code, 0);
    writeFileSync(join(dir, 'logs.yaml'), `logs:\n  - origin: ${origin}\n    keys: [log.pub]\n`);
    const child = spawn(process.execPath, [...MEDVEIL_NODE_ARGS, MEDVEIL_BIN,
      'witness', '--listen', '127.0.0.1:0', '--key', join(dir, 'w1.key'), '--logs', join(dir, 'logs.yaml'), '--state', join(dir, 'w.sqlite')],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let seen = '';
        child.stdout.on('data', (chunk) => {
          seen += chunk;
          const match = /listening on (http:\/\/\S+)/.exec(seen);
          if (match) resolve(match[1]!);
        });
        let errors = '';
        child.stderr.on('data', (chunk) => (errors += chunk));
        child.once('exit', (code) => reject(new Error(`witness exited ${code}: ${seen}${errors}`)));
      });
      const witness = `${url}=${join(dir, 'w1.pub')}`;
      // A server running on the log's folder signs its own checkpoints: the command is refused then.
      const lock = acquireServerLock(dir);
      const whileServed = await medveil('audit', 'checkpoint', '--db', db, '--key-file', join(dir, 'log.key'), '--witness', witness);
      lock.release();
      assert.notEqual(whileServed.code, 0);
      assert.match(whileServed.stderr, /medveil audit checkpoint: medveil serve \(process \d+\) is running/);
      const first = await medveil('audit', 'checkpoint', '--db', db, '--key-file', join(dir, 'log.key'), '--witness', witness);
      assert.equal(first.code, 0, first.stdout + first.stderr);
      assert.match(first.stdout, /cosigned by regulator.example\/w1/);
      const verify = await medveil('audit', 'verify', '--db', db, '--key', join(dir, 'log.pub'), '--witness-key', join(dir, 'w1.pub'));
      assert.match(verify.stdout, /1 cosignatures verified/);
      const receipt = join(dir, 'r.tlog-proof');
      await medveil('audit', 'prove', '3', '--db', db, '--out', receipt);
      const checked = await medveil('audit', 'verify-receipt', receipt, '--key', join(dir, 'log.pub'), '--key', join(dir, 'w1.pub'));
      assert.match(checked.stdout, /cosigned by regulator.example\/w1/);

      // The log grows; the next checkpoint goes to the witness with old size 10 and a proof.
      const signers = parseSecretKeyFile(readFileSync(join(dir, 'log.key'), 'utf8'));
      const grown = await AuditLog.open({ store: new SqliteAuditStore(db), origin, clock: { now: () => Date.UTC(2025, 2, 2) }, signer: (b) => signNote(b, signers) });
      for (let i = 0; i < 5; i++) await grown.append({ type: 'logout', outcome: 'success', actor: { user: 'dr.chen' } });
      await grown.close();
      const second = await medveil('audit', 'checkpoint', '--db', db, '--key-file', join(dir, 'log.key'), '--witness', witness);
      assert.equal(second.code, 0, second.stdout);
      assert.match(second.stdout, /checkpoint 15 signed\ncosigned by regulator.example\/w1/);

      // The log is restored from an old backup with 6 other events: the witness, at 10, refuses it.
      const other = join(dir, 'other');
      const otherDb = await (async () => {
        const sub = mkdtempSync(other);
        writeFileSync(join(sub, 'log.key'), readFileSync(join(dir, 'log.key')));
        const signers = parseSecretKeyFile(readFileSync(join(dir, 'log.key'), 'utf8'));
        const log = await AuditLog.open({ store: new SqliteAuditStore(join(sub, 'a.sqlite')), origin, clock: { now: () => 0 }, signer: (b) => signNote(b, signers) });
        for (let i = 0; i < 6; i++) await log.append({ type: 'login', outcome: 'success', actor: { user: 'mallory' } });
        await log.close();
        return join(sub, 'a.sqlite');
      })();
      const refused = await medveil('audit', 'checkpoint', '--db', otherDb, '--key-file', join(dir, 'log.key'), '--witness', witness);
      assert.equal(refused.code, 1);
      assert.match(refused.stdout, /REFUSED by regulator.example\/w1 \(409\)/);
      const tail = await medveil('audit', 'tail', '--db', otherDb);
      assert.match(tail.stdout, /witness-refusal\tmajor-failure/);
    } finally {
      child.kill('SIGTERM');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
