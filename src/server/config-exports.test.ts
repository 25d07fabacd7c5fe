import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { MedVeilError } from '../errors.js';
import { packageRoot } from '../package-root.js';
import { parseServerConfig } from './config.js';

const parse = (text: string, baseDir = tmpdir()) => parseServerConfig(text, { source: 'the test config', baseDir });

test('exports.recipients: none by default; a bundled recipe by name, another relative to the config file', () => {
  assert.deepEqual(parse('').exports.recipients, []);
  const dir = mkdtempSync(join(tmpdir(), 'config-exports-'));
  try {
    writeFileSync(join(dir, 'vendor.yaml'), 'name: vendor\n');
    const { recipients } = parse(
      'exports:\n  recipients:\n    - { id: acme, name: ACME Annotation, recipe: basic.yaml, accounts: [acme-upload, ACME-Upload] }\n    - { id: lab-2, name: Second lab, recipe: vendor.yaml, accounts: [lab] }\n',
      dir,
    ).exports;
    assert.deepEqual(recipients, [
      { id: 'acme', name: 'ACME Annotation', recipeFile: join(packageRoot(), 'recipes', 'basic.yaml'), accounts: ['acme-upload'] },
      { id: 'lab-2', name: 'Second lab', recipeFile: join(dir, 'vendor.yaml'), accounts: ['lab'] },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('exports.recipients refuses what cannot be a recipient, naming the key', () => {
  const cases: [string, RegExp][] = [
    ['recipients: acme', /exports.recipients must be a list/],
    ['recipients: [acme]', /exports.recipients\[0\] must be a mapping/],
    ['recipients: [{ id: Acme, name: A, recipe: basic.yaml, accounts: [a] }]', /\[0\]\.id must be 1 to 32/],
    ['recipients: [{ id: requester, name: A, recipe: basic.yaml, accounts: [a] }]', /built-in recipient of the requester/],
    ['recipients: [{ id: a, name: A, recipe: basic.yaml, accounts: [a] }, { id: a, name: B, recipe: basic.yaml, accounts: [b] }]', /\[1\]\.id a is used twice/],
    ['recipients: [{ id: a, name: "", recipe: basic.yaml, accounts: [a] }]', /\[0\]\.name must be 1 to 200/],
    ['recipients: [{ id: a, name: A, accounts: [a] }]', /\[0\]\.recipe must name a recipe file/],
    ['recipients: [{ id: a, name: A, recipe: basic.yaml, accounts: [] }]', /\[0\]\.accounts must list/],
    ['recipients: [{ id: a, name: A, recipe: basic.yaml, accounts: ["../x y"] }]', /\[0\]\.accounts must list/],
    ['recipients: [{ id: a, name: A, recipe: basic.yaml, accounts: [a], watermark: yes }]', /unknown key: watermark/],
  ];
  for (const [section, message] of cases) {
    assert.throws(() => parse(`exports:\n  ${section}\n`), (error: MedVeilError) => error.code === 'config' && message.test(error.message), section);
  }
});
