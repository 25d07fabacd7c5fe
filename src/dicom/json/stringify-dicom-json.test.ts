import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stringifyDicomJson } from './stringify-dicom-json.js';

test('stringifyDicomJson() writes attributes in ascending tag order, also tags that look like array indices', () => {
  const json = {
    '7FE00010': { vr: 'OB', InlineBinary: 'AA==' },
    '30060002': { vr: 'SH', Value: ['ROI'] },
    '00080005': { vr: 'CS', Value: ['ISO_IR 192'] },
    '40000010': { vr: 'LT', Value: ['a'] },
    '00081115': { vr: 'SQ', Value: [{ '30060084': { vr: 'IS', Value: [1] }, '0020000E': { vr: 'UI', Value: ['1.2'] } }] },
  };
  assert.deepEqual(Object.keys(json).slice(0, 2), ['30060002', '40000010'], 'JavaScript puts index-like keys first');
  const text = stringifyDicomJson(json);
  assert.deepEqual([...text.matchAll(/"([0-9A-F]{8})"/g)].map((m) => m[1]),
    ['00080005', '00081115', '0020000E', '30060084', '30060002', '40000010', '7FE00010']);
  assert.match(text, /^\{"00080005":\{"vr":"CS","Value":\["ISO_IR 192"\]\},/);
  assert.deepEqual(JSON.parse(text), json);
});

test('stringifyDicomJson() writes values as JSON.stringify does', () => {
  const value = [{ vr: 'PN', Value: [{ Alphabetic: 'Wang^XiaoDong', Ideographic: '王^小東' }, null] }, 'a"\\\n', -1.5e-7, true, []];
  assert.equal(stringifyDicomJson(value), JSON.stringify(value));
});
