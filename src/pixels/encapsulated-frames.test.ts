import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MedVeilError } from '../errors.js';
import { encapsulateFrames, splitEncapsulatedFrames } from './encapsulated-frames.js';

const bytes = (...values: number[]) => Uint8Array.from(values);
const u32s = (...values: number[]) => {
  const out = new Uint8Array(values.length * 4);
  values.forEach((v, i) => new DataView(out.buffer).setUint32(i * 4, v, true));
  return out;
};
const u64s = (...values: number[]) => {
  const out = new Uint8Array(values.length * 8);
  values.forEach((v, i) => new DataView(out.buffer).setBigUint64(i * 8, BigInt(v), true));
  return out;
};
const list = (frames: Uint8Array[]) => frames.map((f) => [...f]);
const EMPTY = new Uint8Array(0);

describe('splitEncapsulatedFrames()', () => {
  it('joins every fragment of a single frame', () => {
    const frames = splitEncapsulatedFrames({ offsetTable: EMPTY, fragments: [bytes(1, 2), bytes(3, 4)] }, 1, { endsWithEoi: false });
    assert.deepEqual(list(frames), [[1, 2, 3, 4]]);
  });

  it('takes one fragment per frame when the counts match', () => {
    const frames = splitEncapsulatedFrames({ offsetTable: EMPTY, fragments: [bytes(1, 2), bytes(3, 4)] }, 2, { endsWithEoi: false });
    assert.deepEqual(list(frames), [[1, 2], [3, 4]]);
  });

  it('groups fragments by the Basic Offset Table (offsets of item tags from the first fragment)', () => {
    const fragments = [bytes(1, 2), bytes(3, 4, 5, 6), bytes(7, 8), bytes(9, 10)];
    // Items are 8 + 2, 8 + 4, 8 + 2 bytes: frame 2 starts at item 2 (offset 22).
    const frames = splitEncapsulatedFrames({ offsetTable: u32s(0, 22), fragments }, 2, { endsWithEoi: false });
    assert.deepEqual(list(frames), [[1, 2, 3, 4, 5, 6], [7, 8, 9, 10]]);
  });

  it('uses the Extended Offset Table and its lengths, which leave out a fragment\'s padding byte', () => {
    const fragments = [bytes(1, 2, 3, 0), bytes(4, 5)];
    const frames = splitEncapsulatedFrames({ offsetTable: EMPTY, fragments }, 2, {
      endsWithEoi: false,
      extended: { offsets: u64s(0, 12), lengths: u64s(3, 2) },
    });
    assert.deepEqual(list(frames), [[1, 2, 3], [4, 5]]);
  });

  it('finds frames by their FFD9 end markers when there are more fragments than frames and no table', () => {
    const fragments = [bytes(0xff, 0xd8, 1, 2), bytes(3, 0xff, 0xd9, 0), bytes(0xff, 0xd8), bytes(4, 5), bytes(0xff, 0xd9)];
    const frames = splitEncapsulatedFrames({ offsetTable: EMPTY, fragments }, 2, { endsWithEoi: true });
    assert.deepEqual(list(frames), [[0xff, 0xd8, 1, 2, 3, 0xff, 0xd9, 0], [0xff, 0xd8, 4, 5, 0xff, 0xd9]]);
  });

  it('does not trust a Basic Offset Table that does not match the fragments, and says so', () => {
    const warnings: string[] = [];
    const frames = splitEncapsulatedFrames({ offsetTable: u32s(0, 7), fragments: [bytes(1, 2), bytes(3, 4)] }, 2, { endsWithEoi: false, warnings });
    assert.deepEqual(list(frames), [[1, 2], [3, 4]]);
    assert.match(warnings[0]!, /Basic Offset Table is not used: offset 1 does not point at a fragment/);
  });

  const refusals: ReadonlyArray<readonly [string, Uint8Array[], number, boolean, RegExp]> = [
    ['no fragments', [], 1, false, /no fragments/],
    ['fewer fragments than frames', [bytes(1, 2)], 2, false, /1 fragments for 2 frames/],
    ['more fragments than frames in a syntax without end markers', [bytes(1, 2), bytes(3, 4), bytes(5, 6)], 2, false, /cannot be told apart/],
    ['end markers that delimit another number of frames', [bytes(0xff, 0xd9), bytes(1, 2), bytes(3, 4), bytes(0xff, 0xd9)], 3, true, /delimit 2 frames/],
    ['fragments left after the last end marker', [bytes(0xff, 0xd9), bytes(0xff, 0xd9), bytes(1, 2)], 2, true, /leave fragments over/],
  ];
  for (const [name, fragments, count, endsWithEoi, message] of refusals) {
    it(`refuses ${name}`, () => {
      assert.throws(() => splitEncapsulatedFrames({ offsetTable: EMPTY, fragments }, count, { endsWithEoi }), (e: unknown) => e instanceof MedVeilError && message.test(e.message));
    });
  }
});

describe('encapsulateFrames()', () => {
  it('puts one frame in each fragment with a Basic Offset Table counting odd fragments padded', () => {
    const frames = [bytes(1, 2, 3), bytes(4, 5), bytes(6)];
    const encapsulated = encapsulateFrames(frames);
    assert.deepEqual(encapsulated.fragments, frames);
    assert.deepEqual([...encapsulated.offsetTable], [...u32s(0, 12, 22)]);
  });
});
