import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MedVeilError } from '../errors.js';
import { generateLogKeys, generateWitnessKeys } from '../audit/note/log-keys.js';
import { CONFIG_ENV_VAR, loadServerConfig, parseServerConfig } from './config.js';

const base = { source: '/etc/medveil/serve.yaml', baseDir: '/etc/medveil' };

test('with no file, the embedded defaults give a loopback server on ./medveil-data of the working directory', () => {
  const config = loadServerConfig({ env: {}, cwd: '/srv/here' });
  assert.equal(config.source, undefined);
  assert.equal(config.dataDir, '/srv/here/medveil-data');
  assert.deepEqual(config.http, { host: '127.0.0.1', port: 8080, corsOrigins: [] });
  assert.deepEqual(config.dimse, { host: '127.0.0.1', port: 11112, aeTitle: 'MEDVEIL', peers: [], moveDestinations: [] });
  assert.equal(config.crypto.suite, 'intl');
  assert.equal(config.sessions.lifetimeMinutes, 15);
  assert.equal(config.log.level, 'info');
});

test('a file overrides only the keys it names; relative paths start at the file', () => {
  const config = parseServerConfig(
    'dataDir: data\nhttp:\n  port: 9090\n  corsOrigins: [https://viewer.example.org, "http://localhost:3000"]\ncrypto: { suite: gm }\n',
    base,
  );
  assert.equal(config.dataDir, '/etc/medveil/data');
  assert.deepEqual(config.http, { host: '127.0.0.1', port: 9090, corsOrigins: ['https://viewer.example.org', 'http://localhost:3000'] });
  assert.equal(config.crypto.suite, 'gm');
  assert.equal(config.dimse.port, 11112);
});

test('JSON is read as well as YAML, and C-MOVE destinations are listed with AE title, host and port', () => {
  const config = parseServerConfig(JSON.stringify({ dimse: { moveDestinations: [{ aeTitle: 'VIEWER', host: '10.0.0.5', port: 104 }] } }), base);
  assert.deepEqual(config.dimse.moveDestinations, [{ aeTitle: 'VIEWER', host: '10.0.0.5', port: 104 }]);
  const peers = parseServerConfig('dimse: { peers: [{ aeTitle: CR1, user: cr-room-1, host: 10.1.2.3 }, { aeTitle: WS2, user: dr-li }] }\n', base);
  assert.deepEqual(peers.dimse.peers, [{ aeTitle: 'CR1', user: 'cr-room-1', host: '10.1.2.3' }, { aeTitle: 'WS2', user: 'dr-li' }]);
});

test('the config file is found through MEDVEIL_CONFIG when --config is not given, and --config wins over it', () => {
  const folder = mkdtempSync(join(tmpdir(), 'medveil-config-'));
  writeFileSync(join(folder, 'a.yaml'), 'http: { port: 1111 }\n');
  writeFileSync(join(folder, 'b.yaml'), 'http: { port: 2222 }\n');
  assert.equal(loadServerConfig({ env: { [CONFIG_ENV_VAR]: 'a.yaml' }, cwd: folder }).http.port, 1111);
  assert.equal(loadServerConfig({ path: 'b.yaml', env: { [CONFIG_ENV_VAR]: 'a.yaml' }, cwd: folder }).http.port, 2222);
  assert.throws(() => loadServerConfig({ path: 'absent.yaml', cwd: folder }), (error: MedVeilError) => error.code === 'config' && error.message.includes('absent.yaml'));
});

test('every unknown key and bad value is an error naming the file and the key', () => {
  const cases: Array<[string, string]> = [
    ['htpp:\n  port: 1\n', 'unknown key "htpp"'],
    ['http:\n  prot: 1\n', 'unknown key "http.prot"'],
    ['http: 8080\n', '"http" must be a mapping'],
    ['http: { port: 70000 }\n', 'http.port must be a whole number from 0 to 65535'],
    ['http: { port: "80" }\n', 'http.port must be a whole number'],
    ['http: { host: "exa mple" }\n', 'http.host must be an IP address or a host name'],
    ['http: { corsOrigins: ["https://viewer.example.org/"] }\n', 'http.corsOrigins[0] must be an origin'],
    ['http: { corsOrigins: ["*"] }\n', 'http.corsOrigins[0] must be an origin'],
    ['http: { corsOrigins: "https://a.example" }\n', 'http.corsOrigins must be a list'],
    ['dimse: { aeTitle: "A\\\\B" }\n', 'dimse.aeTitle must be a DICOM AE title'],
    ['dimse: { aeTitle: "SEVENTEEN_CHARS_X" }\n', 'dimse.aeTitle must be a DICOM AE title'],
    ['dimse: { moveDestinations: [{ aeTitle: V, host: h, port: 104, tls: true }] }\n', 'unknown key "dimse.moveDestinations[0].tls"'],
    ['dimse: { peers: [{ aeTitle: CR1, user: u, host: cr1.example.org }] }\n', 'dimse.peers[0].host must be an IP address'],
    ['dimse: { peers: [{ aeTitle: CR1, user: u, password: x }] }\n', 'unknown key "dimse.peers[0].password"'],
    ['dimse: { peers: [{ aeTitle: CR1, user: u }, { aeTitle: CR1, user: v }] }\n', 'dimse.peers[1].aeTitle CR1 is listed twice'],
    ['dimse: { moveDestinations: [{ aeTitle: V, host: h, port: 0 }] }\n', 'dimse.moveDestinations[0].port must be a whole number from 1'],
    ['dimse: { moveDestinations: [{ aeTitle: V, host: h, port: 104 }, { aeTitle: V, host: g, port: 105 }] }\n', 'dimse.moveDestinations[1].aeTitle V is listed twice'],
    ['crypto: { suite: sm }\n', 'crypto.suite must be one of intl, gm'],
    ['sessions: { lifetimeMinutes: 0 }\n', 'sessions.lifetimeMinutes must be a whole number from 1'],
    ['audit: { origin: "a b" }\n', 'audit.origin must be one word'],
    ['log: { level: verbose }\n', 'log.level must be one of'],
    ['dataDir: ""\n', 'dataDir must be a non-empty text'],
    ['http:\n  port: 1\n  port: 2\n', 'line 3: not valid YAML or JSON (DUPLICATE_KEY'],
    ['- a\n- b\n', 'the top level must be a mapping'],
  ];
  for (const [text, expected] of cases) {
    assert.throws(
      () => parseServerConfig(text, base),
      (error: MedVeilError) => error.code === 'config' && error.message.startsWith('/etc/medveil/serve.yaml: ') && error.message.includes(expected),
      `${JSON.stringify(text)} should fail with ${expected}`,
    );
  }
});

test('masking: every sensitivity level has a mosaic block growing with the level by default, and a file may change some', () => {
  const defaults = parseServerConfig('', base).masking;
  const blocks = [1, 2, 3, 4, 5].map((level) => defaults.mosaicBlockByLevel[level as 1 | 2 | 3 | 4 | 5]);
  assert.ok(blocks.every((block, i) => block >= 2 && (i === 0 || block > blocks[i - 1]!)), String(blocks));
  assert.equal(defaults.pixelRulesFile, undefined);
  assert.ok(defaults.pixelRules.length > 0, 'the bundled rules');
  const changed = parseServerConfig('masking:\n  mosaicBlockByLevel:\n    5: 64\n', base).masking.mosaicBlockByLevel;
  assert.deepEqual([changed[4], changed[5]], [defaults.mosaicBlockByLevel[4], 64]);
});

test('masking: a block of 1 (which would serve the original pixels), a level outside 1..5 and a bad rules file are refused by name', () => {
  const refused = (text: string, pattern: RegExp) => assert.throws(() => parseServerConfig(text, base), (error: unknown) => error instanceof MedVeilError && pattern.test(error.message));
  refused('masking:\n  mosaicBlockByLevel:\n    1: 1\n', /masking\.mosaicBlockByLevel\.1 must be a whole number of pixels from 2/);
  refused('masking:\n  mosaicBlockByLevel:\n    3: 2.5\n', /mosaicBlockByLevel\.3/);
  refused('masking:\n  mosaicBlockByLevel:\n    6: 8\n', /unknown key "masking\.mosaicBlockByLevel\.6"/);
  const folder = mkdtempSync(join(tmpdir(), 'medveil-config-'));
  refused(`masking: { pixelRules: ${JSON.stringify(join(folder, 'missing.yaml'))} }\n`, /masking\.pixelRules: cannot read/);
  writeFileSync(join(folder, 'rules.json'), JSON.stringify({ rules: [{ name: 'no regions', match: {} }] }));
  refused('masking: { pixelRules: rules.json }\n'.replace('rules.json', JSON.stringify(join(folder, 'rules.json'))), /masking\.pixelRules/);
  writeFileSync(join(folder, 'site.yaml'), 'rules:\n  - name: site corner\n    match: { modality: US }\n    regions: [{ left: 0, top: 0, width: 10, height: 10 }]\n');
  const loaded = parseServerConfig('masking: { pixelRules: site.yaml }\n', { source: join(folder, 'serve.yaml'), baseDir: folder }).masking;
  assert.equal(loaded.pixelRulesFile, join(folder, 'site.yaml'));
  assert.equal(loaded.pixelRules.at(-1)!.name, 'site corner');
});

test('masking.ocr: English by default, Chinese may be added, [] turns OCR off, and an unknown or repeated language is refused', () => {
  assert.deepEqual(parseServerConfig('', base).masking.ocrLanguages, ['eng']);
  assert.deepEqual(parseServerConfig('masking: { ocr: [eng, chi_sim] }\n', base).masking.ocrLanguages, ['eng', 'chi_sim']);
  assert.deepEqual(parseServerConfig('masking: { ocr: [] }\n', base).masking.ocrLanguages, []);
  for (const text of ['masking: { ocr: [klingon] }\n', 'masking: { ocr: eng }\n', 'masking: { ocr: [eng, eng] }\n']) {
    assert.throws(() => parseServerConfig(text, base), (error: unknown) => error instanceof MedVeilError && /masking\.ocr must be a list of distinct OCR languages \(eng, chi_sim\)/.test(error.message), text);
  }
});

test("audit.witnessKeys: none by default; a witness's cosignature/v1 vkey is kept, a log key or a malformed key is refused by name", () => {
  assert.deepEqual(parseServerConfig('', base).audit.witnessKeys, []);
  const witness = generateWitnessKeys('regulator.example/witness').verifierKeys[0]!;
  assert.deepEqual(parseServerConfig(`audit:\n  witnessKeys: ["${witness}"]\n`, base).audit.witnessKeys, [witness]);
  const logKey = generateLogKeys('medveil.localhost/audit', 'intl').verifierKeys[0]!;
  const cases: [string, string][] = [
    [`audit:\n  witnessKeys: ["${logKey}"]\n`, 'audit.witnessKeys[0] is a log key (ed25519); a witness key is a cosignature/v1 key'],
    [`audit:\n  witnessKeys: ["${witness.slice(0, -4)}"]\n`, 'audit.witnessKeys[0] is not a verifier key'],
    ['audit:\n  witnessKeys: "one"\n', 'audit.witnessKeys must be a list'],
  ];
  for (const [text, expected] of cases) {
    assert.throws(() => parseServerConfig(text, base), (error: MedVeilError) => error.code === 'config' && error.message.includes(expected), expected);
  }
});
