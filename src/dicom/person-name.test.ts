import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type PersonNameComponents, formatComponentGroup, formatPersonName, parseComponentGroup, parsePersonName, personNameFromJson,
  personNameToJson,
} from './person-name.js';

function components(familyName = '', givenName = '', middleName = '', namePrefix = '', nameSuffix = ''): PersonNameComponents {
  return { familyName, givenName, middleName, namePrefix, nameSuffix };
}

const PARSE_CASES: ReadonlyArray<{ value: string; alphabetic: PersonNameComponents; ideographic: PersonNameComponents; phonetic: PersonNameComponents; formatted: string }> = [
  {
    value: 'Yamada^Tarou=山田^太郎=やまだ^たろう',
    alphabetic: components('Yamada', 'Tarou'),
    ideographic: components('山田', '太郎'),
    phonetic: components('やまだ', 'たろう'),
    formatted: 'Yamada^Tarou=山田^太郎=やまだ^たろう',
  },
  {
    value: 'Wang^XiaoDong=王^小東=',
    alphabetic: components('Wang', 'XiaoDong'),
    ideographic: components('王', '小東'),
    phonetic: components(),
    formatted: 'Wang^XiaoDong=王^小東',
  },
  {
    value: 'Hong^Gildong=洪^吉洞=홍^길동',
    alphabetic: components('Hong', 'Gildong'),
    ideographic: components('洪', '吉洞'),
    phonetic: components('홍', '길동'),
    formatted: 'Hong^Gildong=洪^吉洞=홍^길동',
  },
  {
    value: 'Adams^John Robert Quincy^^Rev.^B.A. M.Div.',
    alphabetic: components('Adams', 'John Robert Quincy', '', 'Rev.', 'B.A. M.Div.'),
    ideographic: components(),
    phonetic: components(),
    formatted: 'Adams^John Robert Quincy^^Rev.^B.A. M.Div.',
  },
  { value: '^^^^', alphabetic: components(), ideographic: components(), phonetic: components(), formatted: '' },
  { value: '', alphabetic: components(), ideographic: components(), phonetic: components(), formatted: '' },
  {
    value: 'Doe^John^^^',
    alphabetic: components('Doe', 'John'),
    ideographic: components(),
    phonetic: components(),
    formatted: 'Doe^John',
  },
  {
    value: '=山田^太郎',
    alphabetic: components(),
    ideographic: components('山田', '太郎'),
    phonetic: components(),
    formatted: '=山田^太郎',
  },
  {
    value: 'Yamada^Tarou==やまだ^たろう',
    alphabetic: components('Yamada', 'Tarou'),
    ideographic: components(),
    phonetic: components('やまだ', 'たろう'),
    formatted: 'Yamada^Tarou==やまだ^たろう',
  },
  {
    // Malformed: six components and four groups; nothing is lost.
    value: 'A^B^C^D^E^F=X=Y=Z',
    alphabetic: components('A', 'B', 'C', 'D', 'E^F'),
    ideographic: components('X'),
    phonetic: components('Y=Z'),
    formatted: 'A^B^C^D^E^F=X=Y=Z',
  },
];

for (const c of PARSE_CASES) {
  test(`parsePersonName() splits "${c.value}" into groups and components; formatPersonName() gives "${c.formatted}"`, () => {
    const name = parsePersonName(c.value);
    assert.deepEqual(name, { alphabetic: c.alphabetic, ideographic: c.ideographic, phonetic: c.phonetic });
    assert.equal(formatPersonName(name), c.formatted);
  });
}

test('formatPersonName() leaves out missing groups and components, keeping the "=" before a later group', () => {
  assert.equal(formatPersonName({ alphabetic: { familyName: 'ANON', givenName: '0001' } }), 'ANON^0001');
  assert.equal(formatPersonName({ ideographic: { familyName: '王' } }), '=王');
  assert.equal(formatPersonName({ phonetic: { givenName: 'たろう' } }), '==^たろう');
  assert.equal(formatPersonName({ alphabetic: { nameSuffix: 'Jr.' } }), '^^^^Jr.');
  assert.equal(formatPersonName({}), '');
});

test('parseComponentGroup() and formatComponentGroup() are inverse for well-formed groups', () => {
  for (const group of ['Doe', 'Doe^John', 'Doe^John^Q', 'Doe^John^^Dr.', '^^^^Jr.', '山田^太郎']) {
    assert.equal(formatComponentGroup(parseComponentGroup(group)), group);
  }
});

const JSON_CASES: ReadonlyArray<readonly [string, Record<string, string>, string]> = [
  ['Yamada^Tarou=山田^太郎=やまだ^たろう', { Alphabetic: 'Yamada^Tarou', Ideographic: '山田^太郎', Phonetic: 'やまだ^たろう' }, 'Yamada^Tarou=山田^太郎=やまだ^たろう'],
  ['Wang^XiaoDong=王^小東=', { Alphabetic: 'Wang^XiaoDong', Ideographic: '王^小東' }, 'Wang^XiaoDong=王^小東'],
  ['=山田^太郎', { Ideographic: '山田^太郎' }, '=山田^太郎'],
  ['Yamada^Tarou==やまだ^たろう', { Alphabetic: 'Yamada^Tarou', Phonetic: 'やまだ^たろう' }, 'Yamada^Tarou==やまだ^たろう'],
  ['^Bob^^Dr.', { Alphabetic: '^Bob^^Dr.' }, '^Bob^^Dr.'],
  ['', {}, ''],
];

for (const [value, json, back] of JSON_CASES) {
  test(`personNameToJson("${value}") keeps the non-empty groups (PS3.18 F.2.2) and personNameFromJson() gives "${back}"`, () => {
    assert.deepEqual(personNameToJson(value), json);
    assert.equal(personNameFromJson(personNameToJson(value)), back);
  });
}
