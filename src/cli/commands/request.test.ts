import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { syntheticCorpus } from '../../samples/synthetic-corpus.js';
import { medveilAsync } from '../../../test/support/medveil-cli.js';
import { ingestCorpus, type IngestedStudy } from '../../../test/support/retrieve-instance-test-gateway.js';
import { testRequestApp, type TestRequestApp } from '../../../test/support/testing-request-app.js';

const work = mkdtempSync(join(tmpdir(), 'medveil-request-cli-'));
let t: TestRequestApp;
let url: string;
let studies: IngestedStudy[];

before(async () => {
  t = await testRequestApp(work);
  studies = await ingestCorpus(t.gateway, syntheticCorpus({ patients: 1, imagesPerPatient: 1, imageSize: 16, seed: 'request-cli' }), ['radiology']);
  url = await t.app.listen({ host: '127.0.0.1', port: 0 });
});
after(async () => {
  delete process.env.MEDVEIL_TOKEN;
  await t.close();
  rmSync(work, { recursive: true, force: true });
});

/** Runs `medveil` as `authorization`'s holder: the token goes through MEDVEIL_TOKEN, as a person would export it. */
function as(authorization: string | undefined, args: string[]) {
  if (authorization === undefined) delete process.env.MEDVEIL_TOKEN;
  else process.env.MEDVEIL_TOKEN = authorization.replace(/^Bearer /, '');
  return medveilAsync([...args, '--server', url]);
}

test('medveil request new, approve (DSO and director with TOTP codes), grants and grants revoke work against a running server', async () => {
  const cleo = await t.signedIn('cleo', ['clinician'], { departments: ['radiology'] });
  const dana = await t.signedIn('dana', ['dso'], { totp: true });
  const dirk = await t.signedIn('dirk', ['director'], { departments: ['radiology'], directorOf: ['radiology'], totp: true });
  const study = studies[0]!.studyUid;

  const created = await as(cleo.authorization, ['request', 'new', '--studies', study, '--purpose', 'treatment', '--justification', 'tumour board', '--hours', '24', '--json']);
  assert.equal(created.status, 0, created.stderr);
  const id = (JSON.parse(created.stdout) as { id: string }).id;

  t.accounts.setNow(t.accounts.now() + 30_000);
  const first = await as(dana.authorization, ['approve', id, '--totp', await t.accounts.code(dana.totpSecret!)]);
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, new RegExp(`^${id}  pending  full  treatment  by cleo  1 study  approvals: dana \\(dso\\)`));

  const reused = await as(dana.authorization, ['approve', id, '--reject', '--reason', 'x', '--totp', await t.accounts.code(dana.totpSecret!)]);
  assert.equal(reused.status, 1);
  assert.match(reused.stderr, /^medveil: totp-invalid: /);

  t.accounts.setNow(t.accounts.now() + 30_000);
  const second = await as(dirk.authorization, ['approve', id, '--totp', await t.accounts.code(dirk.totpSecret!)]);
  assert.equal(second.status, 0, second.stderr);
  assert.match(second.stdout, /  granted  .*  grant until /);

  const listed = await as(cleo.authorization, ['grants']);
  assert.equal(listed.status, 0, listed.stderr);
  assert.match(listed.stdout, new RegExp(`^${id}  cleo  full  until \\S+\\n$`));

  const byCleo = await as(cleo.authorization, ['grants', 'revoke', id, '--reason', 'purpose-ended']);
  assert.equal(byCleo.status, 1);
  assert.match(byCleo.stderr, /not-dso/);
  const revoked = await as(dana.authorization, ['grants', 'revoke', id, '--reason', 'purpose-ended']);
  assert.equal(revoked.status, 0, revoked.stderr);
  assert.match(revoked.stdout, /  revoked /);
  assert.equal((await t.requests.get(id))!.status, 'revoked');
});

test('without a token the commands say how to get one, and never take one as a flag', async () => {
  const run = await as(undefined, ['grants']);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /no token: set MEDVEIL_TOKEN\n  next: sign in/);
  const flag = await as(undefined, ['grants', '--token', 'abc']);
  assert.equal(flag.status, 2);
});
