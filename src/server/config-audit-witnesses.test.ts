import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { test } from 'node:test';
import { generateLogKeys, generateWitnessKeys } from '../audit/note/log-keys.js';
import type { MedVeilError } from '../errors.js';
import { parseServerConfig } from './config.js';

const parse = (text: string) => parseServerConfig(text, { source: 'the test config', baseDir: tmpdir() });
const witnessKey = generateWitnessKeys('regulator.example/witness').verifierKeys[0]!;

test('audit.witnesses: none by default; each a URL (trailing slash dropped) with the witness key it cosigns with', () => {
  assert.deepEqual(parse('').audit.witnesses, []);
  const config = parse(`audit:\n  witnesses:\n    - { url: "https://witness.example/", key: "${witnessKey}" }\n`);
  assert.deepEqual(config.audit.witnesses, [{ url: 'https://witness.example', key: witnessKey }]);
});

test('audit.witnesses refuses what cannot be a witness, naming the key', () => {
  const logKey = generateLogKeys('hospital.example/audit', 'intl').verifierKeys[0]!;
  const cases: [string, RegExp][] = [
    ['witnesses: https://witness.example', /audit.witnesses must be a list/],
    ['witnesses: [https://witness.example]', /audit.witnesses\[0\] must be a mapping/],
    [`witnesses: [{ url: "ftp://witness.example", key: "${witnessKey}" }]`, /\[0\]\.url must be an http or https URL/],
    [`witnesses: [{ url: "https://user:pw@witness.example", key: "${witnessKey}" }]`, /\[0\]\.url must be an http or https URL/],
    [`witnesses: [{ url: "not a url", key: "${witnessKey}" }]`, /\[0\]\.url must be an http or https URL/],
    [`witnesses: [{ url: "https://w.example", key: "${logKey}" }]`, /\[0\]\.key is a log key/],
    ['witnesses: [{ url: "https://w.example", key: "nonsense" }]', /\[0\]\.key is not a verifier key/],
    [`witnesses: [{ url: "https://w.example", key: "${witnessKey}" }, { url: "https://w.example/", key: "${witnessKey}" }]`, /\[1\]\.url https:\/\/w.example is listed twice/],
    [`witnesses: [{ url: "https://w.example", key: "${witnessKey}", name: x }]`, /unknown key: name/],
  ];
  for (const [section, message] of cases) {
    assert.throws(() => parse(`audit:\n  ${section}\n`), (error: MedVeilError) => error.code === 'config' && message.test(error.message), section);
  }
});
