import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { sharedPath } from '../../../test/support/repo-root.js';
import { Tag } from '../tag.js';
import { defaultReturnKeys, INSTANCE_RETURN_KEYS, SERIES_RETURN_KEYS, STUDY_RETURN_KEYS } from './default-return-keys.js';

const part18 = readFileSync(sharedPath('dicom-standard', 'part18-dicomweb.html'), 'utf8');

/** The top-level tags of a PS3.18 table, in the order the table lists them. */
function tableTags(id: string): number[] {
  const start = part18.indexOf(`id="table_${id}"`);
  assert.ok(start >= 0, `table ${id} is in the shared PS3.18`);
  const end = part18.indexOf('</table>', start);
  const rows = part18.slice(start, end).split('<tr').slice(1);
  const tags: number[] = [];
  for (const row of rows) {
    const cells = row.split('<td').slice(1).map((cell) => cell.replace(/^[^>]*>/, '').replace(/<[^>]*>/g, '').replace(/\s+/g, ' ').trim());
    if (cells.length < 2 || cells[0]!.startsWith('>') || cells[0]!.startsWith('&gt;')) continue;
    const tag = /^\(([0-9A-F]{4}),([0-9A-F]{4})\)$/i.exec(cells[1]!);
    if (tag) tags.push(parseInt(tag[1]! + tag[2]!, 16));
  }
  return tags;
}

test('the default return keys are the top-level rows of PS3.18 Tables 10.6.3-3, -4 and -5', () => {
  assert.deepEqual(STUDY_RETURN_KEYS, tableTags('10.6.3-3'));
  assert.deepEqual(SERIES_RETURN_KEYS, tableTags('10.6.3-4'));
  assert.deepEqual(INSTANCE_RETURN_KEYS, tableTags('10.6.3-5'));
});

test('an instance search returns the study and series defaults unless confined to them', () => {
  const all = defaultReturnKeys('instance', {});
  assert.ok(all.includes(Tag.PatientName) && all.includes(Tag.Modality) && all.includes(Tag.SOPInstanceUID));
  const inStudy = defaultReturnKeys('instance', { studyUid: '1.2' });
  assert.ok(!inStudy.includes(Tag.PatientName) && inStudy.includes(Tag.Modality));
  const inSeries = defaultReturnKeys('instance', { studyUid: '1.2', seriesUid: '1.2.3' });
  assert.ok(!inSeries.includes(Tag.PatientName) && !inSeries.includes(Tag.Modality));
  assert.ok(defaultReturnKeys('series', {}).includes(Tag.PatientName));
  assert.ok(!defaultReturnKeys('series', { studyUid: '1.2' }).includes(Tag.PatientName));
});
