import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MedVeilError } from '../errors.js';
import { ensureServerKeys, serverKeyFiles } from './server-keys.js';

const origin = 'hospital.example/audit';
const fresh = { accounts: false, auditLog: false };
const folder = () => mkdtempSync(join(tmpdir(), 'medveil-keys-'));

test('the first start creates every key owner-only; later starts read the same keys and create none', async () => {
  const dataDir = folder();
  const first = await ensureServerKeys(dataDir, { suite: 'intl', origin, dependents: fresh });
  assert.deepEqual(first.created, ['master', 'session', 'audit-log', 'patient-reference', 'masked-view', 'export']);
  const files = serverKeyFiles(dataDir);
  if (process.platform !== 'win32') {
    assert.equal(statSync(files.folder).mode & 0o777, 0o700);
    for (const file of [files.master, files.session, files.auditSecret, files.patientReference, files.maskedView, files.exportKey]) assert.equal(statSync(file).mode & 0o777, 0o600, file);
  }
  const again = await ensureServerKeys(dataDir, { suite: 'intl', origin, dependents: { accounts: true, auditLog: true, index: true } });
  assert.deepEqual(again.created, []);
  assert.deepEqual([again.master.id, again.session.kid, again.auditVerifierKeys], [first.master.id, first.session.kid, first.auditVerifierKeys]);
  assert.deepEqual([again.patientReference, again.maskedView, again.exportKey], [first.patientReference, first.maskedView, first.exportKey]);
  assert.notDeepEqual(first.patientReference, first.maskedView);
  assert.notDeepEqual(first.exportKey, first.maskedView);
  assert.match(readFileSync(files.auditPublic, 'utf8'), new RegExp(`^${origin.replace('.', '\\.')}\\+[0-9a-f]{8}\\+`, 'm'));
});

test('the gm suite gives the audit log an SM2 key beside the Ed25519 one', async () => {
  const keys = await ensureServerKeys(folder(), { suite: 'gm', origin, dependents: fresh });
  assert.deepEqual(keys.auditSigners.map((signer) => signer.kind).sort(), ['ed25519', 'sm2']);
});

test('a key is never silently replaced once something depends on it, and a changed origin is refused', async () => {
  const cases: Array<[string, 'master' | 'auditSecret' | 'patientReference' | 'exportKey' | undefined, { accounts: boolean; auditLog: boolean; index?: boolean; exports?: boolean }, string, string]> = [
    ['a missing patient reference key beside an existing index', 'patientReference', { accounts: true, auditLog: true, index: true }, 'key', 'patient reference key'],
    ['a missing export key beside existing export jobs', 'exportKey', { accounts: true, auditLog: true, exports: true }, 'key', 'export key'],
    ['a missing master key beside existing accounts', 'master', { accounts: true, auditLog: true }, 'key', 'master key'],
    ['a missing log key beside an existing audit log', 'auditSecret', { accounts: true, auditLog: true }, 'key', 'audit log signing key'],
    ['a new audit.origin for an existing log key', undefined, { accounts: true, auditLog: true }, 'config', 'audit.origin is other.example/audit'],
  ];
  for (const [label, remove, dependents, code, message] of cases) {
    const dataDir = folder();
    await ensureServerKeys(dataDir, { suite: 'intl', origin, dependents: fresh });
    if (remove !== undefined) rmSync(serverKeyFiles(dataDir)[remove]);
    await assert.rejects(
      ensureServerKeys(dataDir, { suite: 'intl', origin: remove === undefined ? 'other.example/audit' : origin, dependents }),
      (error: MedVeilError) => error.code === code && error.message.includes(message),
      label,
    );
  }
});
