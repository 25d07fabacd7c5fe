import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { parseServerConfig } from './config.js';

const baseDir = mkdtempSync(join(tmpdir(), 'medveil-oidc-config-'));
const parse = (text: string) => parseServerConfig(text, { source: 'gateway.yaml', baseDir });
const keycloak = `oidc:
  enabled: true
  issuer: https://sso.hospital.example/realms/staff
  clientId: medveil
  redirectUrl: https://medveil.hospital.example/api/oidc/callback
`;

test('OIDC sign-in is off by default', () => {
  assert.equal(parse('').oidc, undefined);
});

test('an enabled oidc section is read with its defaults: preferred_username names the account, no provider MFA counts, asymmetric algorithms only', () => {
  const oidc = parse(keycloak).oidc!;
  assert.equal(oidc.issuer, 'https://sso.hospital.example/realms/staff');
  assert.equal(oidc.clientSecret, undefined);
  assert.deepEqual(oidc.scopes, ['openid', 'profile']);
  assert.deepEqual(oidc.link, { by: 'username', claim: 'preferred_username' });
  assert.deepEqual([oidc.mfaAmrValues, oidc.mfaAcrValues], [[], []]);
  assert.ok(!oidc.idTokenAlgorithms.some((alg) => alg.startsWith('HS') || alg === 'none'));
  assert.deepEqual(parse(`${keycloak}  accountClaim: sub\n`).oidc!.link, { by: 'subject' });
});

test('the client secret is read from a file next to the config, and never printed', () => {
  writeFileSync(join(baseDir, 'oidc-secret'), 'a9f3-not-for-logs\n', { mode: 0o600 });
  const oidc = parse(`${keycloak}  clientSecretFile: oidc-secret\n`).oidc!;
  assert.equal(oidc.clientSecret?.reveal(), 'a9f3-not-for-logs');
  for (const shown of [JSON.stringify(oidc), inspect(oidc, { depth: 5 }), String(oidc.clientSecret)]) assert.doesNotMatch(shown, /a9f3/);
});

test('a bad oidc section stops the server with a message naming the key and never the secret', () => {
  const cases: [string, RegExp][] = [
    [keycloak.replace('https://sso', 'http://sso'), /oidc\.issuer must be an https URL/],
    [keycloak.replace('realms/staff', 'realms/staff?x=1'), /oidc\.issuer must be an https URL/],
    [keycloak.replace('clientId: medveil', 'clientId: ""'), /oidc\.clientId/],
    [`${keycloak}  scopes: [profile]\n`, /must include openid/],
    [`${keycloak}  idTokenAlgorithms: [HS256]\n`, /HS256 needs the client secret/],
    [`${keycloak}  idTokenAlgorithms: [none]\n`, /"none" is not one of/],
    [`${keycloak}  clientSecret: s3cr3t-value\n  clientSecretFile: oidc-secret\n`, /not both/],
    [`${keycloak}  clientSecretFile: missing-file\n`, /cannot read .*missing-file/],
    [`${keycloak}  accountClaim: "preferred username"\n`, /oidc\.accountClaim/],
    [`${keycloak}  tenant: x\n`, /unknown key "oidc\.tenant"/],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => parse(text), (error: Error) => message.test(error.message) && !error.message.includes('s3cr3t'), text);
  }
  assert.equal(parse(keycloak.replace('https://sso.hospital.example', 'http://127.0.0.1:8443')).oidc!.issuer, 'http://127.0.0.1:8443/realms/staff', 'plain http on loopback, for a local test provider');
});
