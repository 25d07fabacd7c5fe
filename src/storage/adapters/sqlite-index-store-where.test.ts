import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeQueryString, parseQidoQuery } from '../../dicom/query/index.js';
import { escapeLike, likePattern, personNameColumn, queryConditions } from './sqlite-index-store-where.js';

function conditions(params: string, level: 'study' | 'series' | 'instance' = 'study') {
  const q = parseQidoQuery(level, decodeQueryString(params));
  return queryConditions(q);
}

test('LIKE patterns escape SQL metacharacters and translate only the DICOM wild cards', () => {
  assert.equal(escapeLike('100%_\\x'), '100\\%\\_\\\\x');
  assert.equal(likePattern('A%*B_?\\'), 'A\\%%B\\__\\\\');
  assert.equal(likePattern('[*]'), '[%]');
});

test('person names are stored as folded component groups between "="', () => {
  assert.equal(personNameColumn('Yamada^Tarou^^=山田^太郎'), '=YAMADA^TAROU=山田^太郎=');
  assert.equal(personNameColumn(''), null);
});

const TRANSLATIONS: ReadonlyArray<{ params: string; where: string[]; values: Array<string | number> }> = [
  { params: 'PatientID=100%25', where: ['st.patient_id = ?'], values: ['100%'] },
  { params: 'PatientID=100%25*', where: ["st.patient_id LIKE ? ESCAPE '\\'"], values: ['100\\%%'] },
  { params: 'PatientName=smith*', where: ["st.patient_name_fold LIKE ? ESCAPE '\\'"], values: ['%=SMITH%=%'] },
  { params: 'PatientName=o_brien', where: ["st.patient_name_fold LIKE ? ESCAPE '\\'"], values: ['%=O\\_BRIEN=%'] },
  { params: 'StudyDate=20200101-20201231', where: ['st.study_date >= ? AND st.study_date <= ?'], values: ['20200101', '20201231'] },
  { params: 'StudyInstanceUID=1.2,1.3', where: ['st.study_uid IN (?, ?)'], values: ['1.2', '1.3'] },
  { params: 'ModalitiesInStudy=CT', where: ['instr(st.modalities, ?) > 0'], values: ['\\CT\\'] },
  // Left to matchesFindQuery: times, fuzzy names, names with groups.
  { params: 'StudyTime=1000-1200', where: [], values: [] },
  { params: 'PatientName=smith&fuzzymatching=true', where: [], values: [] },
  { params: 'PatientName=a=b', where: [], values: [] },
];

for (const { params, where, values } of TRANSLATIONS) {
  test(`queryConditions() narrows ${params} with bound values only`, () => {
    assert.deepEqual(conditions(params), { where, params: values });
  });
}

test('scope UIDs become conditions on their parents', () => {
  const q = parseQidoQuery('instance', decodeQueryString('InstanceNumber=3'), { scope: { studyUid: '1.2', seriesUid: '1.2.3' } });
  assert.deepEqual(queryConditions(q), {
    where: ['st.study_uid = ?', 'se.series_uid = ?', 'i.instance_number = ?'],
    params: ['1.2', '1.2.3', 3],
  });
});
