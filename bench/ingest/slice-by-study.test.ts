import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sliceByStudy } from './slice-by-study.js';

const cases = [
  { name: 'one sender takes every file in order', files: ['a1', 'a2', 'b1'], studies: ['A', 'A', 'B'], senders: 1, expected: [['a1', 'a2', 'b1']] },
  { name: 'studies are never split between senders', files: ['a1', 'b1', 'a2', 'b2'], studies: ['A', 'B', 'A', 'B'], senders: 2, expected: [['a1', 'a2'], ['b1', 'b2']] },
  { name: 'a study goes to the sender with the fewest files', files: ['a1', 'a2', 'a3', 'b1', 'c1'], studies: ['A', 'A', 'A', 'B', 'C'], senders: 2, expected: [['a1', 'a2', 'a3'], ['b1', 'c1']] },
  { name: 'more senders than studies leaves no empty slice', files: ['a1', 'b1'], studies: ['A', 'B'], senders: 4, expected: [['a1'], ['b1']] },
];

for (const { name, files, studies, senders, expected } of cases) {
  test(`sliceByStudy(): ${name}`, () => {
    const slices = sliceByStudy(files, studies, senders);
    assert.deepEqual(slices, expected);
    assert.deepEqual(slices.flat().sort(), [...files].sort(), 'every file in exactly one slice');
  });
}

test('sliceByStudy() refuses zero senders and a study list of another length', () => {
  assert.throws(() => sliceByStudy(['a'], ['A'], 0), RangeError);
  assert.throws(() => sliceByStudy(['a', 'b'], ['A'], 1), RangeError);
});
