import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MedVeilError } from '../errors.js';
import { defaultPixelRules, matchPixelRules, parsePixelRules } from './pixel-rules.js';

const signature = { manufacturer: 'acme medical', model: 'sono 5', modality: 'us', rows: 600, columns: 800 };

describe('parsePixelRules()', () => {
  it('reads the bundled rules, each of which names its source', () => {
    const rules = defaultPixelRules();
    assert.ok(rules.length > 0);
    for (const rule of rules) assert.ok(rule.source !== undefined && rule.source.length > 0, rule.name);
  });

  const errors: Array<[string, unknown, RegExp]> = [
    ['a document without rules', { rule: [] }, /"rules" list/],
    ['a rule without a name, by its position', { rules: [{ match: {}, regions: [{ left: 0, top: 0 }] }] }, /rule 1, field "name"/],
    ['a region with a negative width', { rules: [{ name: 'A', match: {}, regions: [{ left: 0, top: 0, width: -3 }] }] }, /rule "A", field "regions\[0\]\.width"/],
    ['a region without a top', { rules: [{ name: 'B', match: {}, regions: [{ left: 0 }] }] }, /rule "B", field "regions\[0\]\.top"/],
    ['a size range upside down', { rules: [{ name: 'C', match: { rows: { min: 9, max: 2 } }, regions: [{ left: 0, top: 0 }] }] }, /rule "C", field "match\.rows"/],
    ['an empty manufacturer', { rules: [{ name: 'D', match: { manufacturer: ' ' }, regions: [{ left: 0, top: 0 }] }] }, /rule "D", field "match\.manufacturer"/],
    ['a misspelt condition, which would otherwise match every image', { rules: [{ name: 'E', match: { manufactuer: 'X' }, regions: [{ left: 0, top: 0 }] }] }, /rule "E".*"manufactuer"/],
    ['a bare wildcard', { rules: [{ name: 'W', match: { model: '**' }, regions: [{ left: 0, top: 0 }] }] }, /rule "W", field "match\.model"/],
    ['no regions', { rules: [{ name: 'F', match: {}, regions: [] }] }, /rule "F", field "regions"/],
    ['two rules of one name', { rules: [{ name: 'G', match: {}, regions: [{ left: 0, top: 0 }] }, { name: 'g', match: {}, regions: [{ left: 0, top: 0 }] }] }, /rule "g", field "name"/],
  ];
  for (const [name, document, message] of errors) {
    it(`refuses ${name}, naming the file, the rule and the field`, () => {
      assert.throws(() => parsePixelRules(document, 'site-rules.json'),
        (error: unknown) => error instanceof MedVeilError && error.code === 'pixels' && error.message.includes('site-rules.json') && message.test(error.message));
    });
  }
});

describe('matchPixelRules()', () => {
  const rules = parsePixelRules({
    rules: [
      { name: 'exact', match: { manufacturer: '  ACME Medical ', model: ['Sono 4', 'SONO 5'], rows: 600, columns: { min: 640, max: 1024 } }, regions: [{ left: 0, top: 0, height: 40 }] },
      { name: 'other model', match: { manufacturer: 'ACME MEDICAL', model: 'Sono 6' }, regions: [{ left: 0, top: 0 }] },
      { name: 'too small', match: { modality: 'US', rows: { max: 599 } }, regions: [{ left: 0, top: 0 }] },
      { name: 'any ultrasound', match: { modality: 'us' }, regions: [{ left: -100, top: -20 }] },
    ],
  }, 'test');

  it('matches text case-insensitively after trimming, lists and size ranges, and returns every matching rule', () => {
    assert.deepEqual(matchPixelRules(rules, signature).map((rule) => rule.name), ['exact', 'any ultrasound']);
  });

  it('matches a pattern with * at either end as contains, starts with or ends with', () => {
    const patterns = parsePixelRules({
      rules: [
        { name: 'contains', match: { model: '*ONO*' }, regions: [{ left: 0, top: 0 }] },
        { name: 'starts', match: { model: 'sono*' }, regions: [{ left: 0, top: 0 }] },
        { name: 'ends', match: { model: '* 5' }, regions: [{ left: 0, top: 0 }] },
        { name: 'ends wrongly', match: { model: '*sono' }, regions: [{ left: 0, top: 0 }] },
      ],
    }, 'test');
    assert.deepEqual(matchPixelRules(patterns, signature).map((rule) => rule.name), ['contains', 'starts', 'ends']);
  });

  it('matches a Philips iU22 ultrasound of 600 rows to the generic band and to the iU22 rectangle for that size', () => {
    const iu22 = { manufacturer: 'philips medical systems', model: 'iu22', modality: 'us', rows: 600, columns: 800 };
    assert.deepEqual(matchPixelRules(defaultPixelRules(), iu22).map((rule) => rule.name),
      ['generic ultrasound top band', 'Philips iU22 ultrasound 600 rows']);
  });

  it('does not match outside a size range', () => {
    assert.deepEqual(matchPixelRules(rules, { ...signature, columns: 1280 }).map((rule) => rule.name), ['any ultrasound']);
  });
});
