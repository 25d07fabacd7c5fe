import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EXPLICIT_BIG, EXPLICIT_LITTLE, IMPLICIT_LITTLE } from './dataset.js';
import { readDataset } from './read-dataset.js';
import { Tag } from './tag.js';
import { canReuseElement, canReuseItem } from './write-source-reuse.js';
import { ELE, concat, element, encapsulated, item, sequence, text, uid } from '../../test/support/dicom-bytes.js';

const same = { from: EXPLICIT_LITTLE, to: EXPLICIT_LITTLE };

function read() {
  return readDataset(concat(
    sequence(ELE, Tag.ReferencedSeriesSequence, [item(ELE, element(ELE, Tag.SeriesInstanceUID, 'UI', uid('1.2'))), item(ELE, element(ELE, Tag.SeriesInstanceUID, 'UI', uid('3.4')), true)], true),
    element(ELE, Tag.PatientName, 'PN', text('Doe^John')),
    encapsulated(new Uint8Array(0), [new Uint8Array([1, 2])]),
  ), EXPLICIT_LITTLE).dataset;
}

describe('canReuseElement() and canReuseItem()', () => {
  it('accept what was read, unchanged, in the same encoding', () => {
    const dataset = read();
    for (const element of dataset) assert.equal(canReuseElement(element, same), true, String(element.tag));
    for (const item of dataset.get(Tag.ReferencedSeriesSequence)!.items!) assert.equal(canReuseItem(item, EXPLICIT_LITTLE), true);
  });

  it('refuse another encoding', () => {
    const name = read().get(Tag.PatientName)!;
    assert.equal(canReuseElement(name, { from: EXPLICIT_LITTLE, to: IMPLICIT_LITTLE }), false);
    assert.equal(canReuseElement(name, { from: EXPLICIT_LITTLE, to: EXPLICIT_BIG }), false);
  });

  it('refuse a stale source: another value, VR, tag, or an element without source', () => {
    const name = read().get(Tag.PatientName)!;
    assert.equal(canReuseElement({ ...name, value: text('Roe^Jane') }, same), false);
    assert.equal(canReuseElement({ ...name, value: name.value!.subarray(0, 4) }, same), false);
    assert.equal(canReuseElement({ ...name, vr: 'LO' }, same), false);
    assert.equal(canReuseElement({ ...name, tag: Tag.PatientID }, same), false);
    assert.equal(canReuseElement({ tag: name.tag, vr: name.vr, value: name.value! }, same), false);
  });

  it('refuse a sequence whose items were removed, replaced or modified', () => {
    const dataset = read();
    const series = dataset.get(Tag.ReferencedSeriesSequence)!;
    assert.equal(canReuseElement({ ...series, items: series.items!.slice(1) }, same), false);
    assert.equal(canReuseElement({ ...series, items: [series.items![1]!, series.items![0]!] }, same), false);
    series.items![1]!.setString(Tag.SeriesInstanceUID, '5.6');
    assert.equal(canReuseItem(series.items![1]!, EXPLICIT_LITTLE), false);
    assert.equal(canReuseElement(series, same), false);
  });

  it('refuse encapsulated Pixel Data whose fragments were changed', () => {
    const pixels = read().get(Tag.PixelData)!;
    assert.equal(canReuseElement({ ...pixels, fragments: { offsetTable: pixels.fragments!.offsetTable, fragments: [new Uint8Array([1, 2])] } }, same), false);
    assert.equal(canReuseElement({ ...pixels, fragments: { offsetTable: pixels.fragments!.offsetTable, fragments: [] } }, same), false);
  });

  it('refuse an odd-length value read as it was, so the writer pads it', () => {
    const odd = readDataset(element(ELE, Tag.PatientID, 'LO', Buffer.from('ABC')), EXPLICIT_LITTLE).dataset.get(Tag.PatientID)!;
    assert.equal(canReuseElement(odd, same), false);
  });
});
