import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PduFramer, frameBody } from './pdu-framer.js';
import { PduError } from './pdu-error.js';

const limits = { maxPDataLength: 16, maxOtherLength: 80 };
const release = Buffer.from('050000000004' + '00000000', 'hex');
const pdata = Buffer.from('04000000000a' + '000000060103aabbccdd', 'hex');

test('PduFramer yields the same PDUs wherever the stream is cut', () => {
  const stream = Buffer.concat([pdata, release, pdata]);
  for (let cut1 = 0; cut1 <= stream.length; cut1++) {
    for (let cut2 = cut1; cut2 <= stream.length; cut2 += 3) {
      const framer = new PduFramer(limits);
      const frames = [stream.subarray(0, cut1), stream.subarray(cut1, cut2), stream.subarray(cut2)].flatMap((part) => framer.push(part));
      assert.deepEqual(frames.map((f) => [f.type, Buffer.from(frameBody(f)).toString('hex')]), [
        [4, '000000060103aabbccdd'], [5, '00000000'], [4, '000000060103aabbccdd'],
      ], `cuts ${cut1}/${cut2}`);
      assert.equal(framer.bufferedLength, 0);
    }
  }
});

test('PduFramer hands out a body as views of the chunks it arrived in, without copying', () => {
  const framer = new PduFramer(limits);
  const [whole] = framer.push(pdata);
  assert.equal(whole!.parts.length, 1);
  assert.equal(whole!.parts[0]!.buffer, pdata.buffer);
  const first = Buffer.from(pdata.subarray(0, 10));
  const second = Buffer.from(pdata.subarray(10));
  assert.deepEqual(framer.push(first), []);
  const [split] = framer.push(second);
  assert.deepEqual(split!.parts.map((p) => p.buffer), [first.buffer, second.buffer]);
});

test('PduFramer refuses a header before buffering its body: unknown type, or a length above the limit', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['type 0x00', '000000000004', /unknown PDU type 0x00/],
    ['type 0x08', '080000000004', /unknown PDU type 0x08/],
    ['P-DATA-TF above the announced maximum', '040000000011', /declares 17 bytes, more than the 16/],
    ['A-ASSOCIATE-RQ above the limit', '010000000051', /declares 81 bytes/],
    ['a length of 4 GiB - 1', '01' + '00' + 'ffffffff', /declares 4294967295 bytes/],
  ];
  for (const [name, header, message] of cases) {
    const framer = new PduFramer(limits);
    assert.throws(() => framer.push(Buffer.from(header, 'hex')), (e: unknown) => e instanceof PduError && message.test(e.message), name);
  }
});

test('PduFramer keeps a PDU cut short as buffered bytes, so a close mid-PDU is visible', () => {
  const framer = new PduFramer(limits);
  assert.deepEqual(framer.push(pdata.subarray(0, 9)), []);
  assert.equal(framer.bufferedLength, 9);
});
