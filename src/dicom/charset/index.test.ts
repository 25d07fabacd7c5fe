import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MedVeilError } from '../../errors.js';
import type { VR } from '../vr.js';
import { decodeText, describeCharsets, encodeText } from './index.js';

const ESC = '\x1b';
/** Bytes from a string whose characters are byte values ("\x1b$B;3" → 1B 24 42 3B 33). */
const bytes = (text: string): Buffer => Buffer.from(text, 'latin1');
const hex = (data: Uint8Array): string => Buffer.from(data).toString('hex');

// KS X 1001: 김 = B1E8, 희 = C8F1. JIS X 0208: 山 = 3B33, 田 = 4544, 太 = 4240, 郎 = 4F3A.
const KIM = '\xb1\xe8';
const HUI = '\xc8\xf1';
const KOREAN = ['', 'ISO 2022 IR 149'];
const JAPANESE = ['', 'ISO 2022 IR 87'];

/** [what, VR, charsets, bytes, text]: each a place where the decoder must (or must not) return to value 1's sets. */
const RESET_CASES: ReadonlyArray<readonly [string, VR, string[], string, string]> = [
  ['PN "^" resets G1: the next Korean needs its escape again', 'PN', KOREAN, `${ESC}$)C${KIM}^${ESC}$)C${HUI}`, '김^희'],
  ['PN "=" resets G1', 'PN', KOREAN, `${ESC}$)C${KIM}=${ESC}$)C${HUI}`, '김=희'],
  ['PN "\\" resets G1', 'PN', KOREAN, `${ESC}$)C${KIM}\\${ESC}$)C${HUI}`, '김\\희'],
  ['LO "^" is no reset point: G1 stays KS X 1001', 'LO', KOREAN, `${ESC}$)C${KIM}^${HUI}`, '김^희'],
  ['LO "=" is no reset point', 'LO', KOREAN, `${ESC}$)C${KIM}=${HUI}`, '김=희'],
  ['LT CR LF resets G1', 'LT', KOREAN, `${ESC}$)C${KIM}\r\n${ESC}$)C${HUI}`, '김\r\n희'],
  ['LT TAB resets G1', 'LT', KOREAN, `${ESC}$)C${KIM}\t${ESC}$)C${HUI}`, '김\t희'],
  ['LT FF resets G1', 'LT', KOREAN, `${ESC}$)C${KIM}\f${ESC}$)C${HUI}`, '김\f희'],
  ['LO "\\" resets G1', 'LO', KOREAN, `${ESC}$)C${KIM}\\${ESC}$)C${HUI}`, '김\\희'],
  ['SPACE is no reset point', 'LO', KOREAN, `${ESC}$)C${KIM} ${HUI}`, '김 희'],
  ['"^" inside JIS X 0208 is half of a character, not a delimiter', 'PN', JAPANESE, `${ESC}$B$d$^$@${ESC}(B`, 'やまだ'],
  ['"=" inside JIS X 0208 is half of a character', 'PN', JAPANESE, `${ESC}$B;=${ESC}(B`, '蚕'],
  ['JIS X 0208 around "^" with the standard switch back', 'PN', JAPANESE, `${ESC}$B;3ED${ESC}(B^${ESC}$BB@O:${ESC}(B`, '山田^太郎'],
  ['katakana G1 of value 1 stays through JIS X 0208 in G0', 'PN', ['ISO 2022 IR 13', 'ISO 2022 IR 87'], `\xd4${ESC}$B;3\xd4${ESC}(J`, 'ﾔ山ﾔ'],
];

for (const [what, vr, charsets, encoded, text] of RESET_CASES) {
  test(`escape state (PS3.5 6.1.2.5.3): ${what}`, () => {
    const warnings: string[] = [];
    assert.equal(decodeText(bytes(encoded), charsets, vr, { warnings }), text);
    assert.deepEqual(warnings, []);
    assert.equal(hex(encodeText(text, charsets, vr)), hex(bytes(encoded)), 'the encoder writes the same bytes');
  });
}

test('after a PN reset without a new escape sequence, GR bytes are outside value 1 and read as ISO 8859-1 with a warning', () => {
  const warnings: string[] = [];
  assert.equal(decodeText(bytes(`${ESC}$)C${KIM}^${HUI}`), KOREAN, 'PN', { warnings }), '김^\xc8\xf1');
  assert.ok(warnings.length > 0);
  for (const warning of warnings) assert.match(warning, /outside the declared character sets/);
});

test('after an LT line end, JIS X 0208 left active by a careless writer is dropped: the next line is ASCII', () => {
  assert.equal(decodeText(bytes(`${ESC}$B;3\r\nAB`), JAPANESE, 'LT'), '山\r\nAB');
  assert.equal(decodeText(bytes(`${ESC}$B;3ABCD`), JAPANESE, 'LT'), '山疎団');
});

test('encodeText() returns to the sets of value 1 before every reset point and at the end of the value', () => {
  const cases: ReadonlyArray<readonly [VR, string[], string, string]> = [
    ['PN', JAPANESE, '山田 太郎', `${ESC}$B;3ED${ESC}(B ${ESC}$BB@O:${ESC}(B`],
    ['LO', JAPANESE, '山\\田', `${ESC}$B;3${ESC}(B\\${ESC}$BED${ESC}(B`],
    ['LT', JAPANESE, '山\r\n田', `${ESC}$B;3${ESC}(B\r\n${ESC}$BED${ESC}(B`],
    ['PN', ['ISO 2022 IR 13', 'ISO 2022 IR 87'], 'ﾔﾏﾀﾞ^山田', `\xd4\xcf\xc0\xde^${ESC}$B;3ED${ESC}(J`],
    // G1 of value 1 (Latin-1) is designated again before the delimiter and at the end.
    ['PN', ['ISO 2022 IR 100', 'ISO 2022 IR 144'], 'Jé^Лю=Ré', `J\xe9^${ESC}-L\xbb\xee${ESC}-A=R\xe9`],
    ['LO', ['ISO 2022 IR 100', 'ISO 2022 IR 144'], 'Лю', `${ESC}-L\xbb\xee${ESC}-A`],
    // Korean, as the standard's example (PS3.5 Annex I): no escape needed to leave G1.
    ['PN', KOREAN, 'Hong^Gildong=洪^吉洞=홍^길동', `Hong^Gildong=${ESC}$)C\xfb\xf3^${ESC}$)C\xd1\xce\xd4\xd7=${ESC}$)C\xc8\xab^${ESC}$)C\xb1\xe6\xb5\xbf`],
    // Chinese with ISO 2022 IR 58: 张 = D5C5, 小 = D0A1, 东 = B6AB in GB 2312.
    ['PN', ['', 'ISO 2022 IR 58'], 'Zhang^XiaoDong=张^小东=', `Zhang^XiaoDong=${ESC}$)A\xd5\xc5^${ESC}$)A\xd0\xa1\xb6\xab=`],
  ];
  for (const [vr, charsets, text, expected] of cases) {
    const encoded = encodeText(text, charsets, vr);
    assert.equal(hex(encoded), hex(bytes(expected)), `${vr} ${charsets.join('\\')} ${text}`);
    assert.equal(decodeText(encoded, charsets, vr), text);
  }
});

test('encodeText() picks the first declared set, in the order of the terms, for a character no active set holds', () => {
  // 洪 is in both KS X 1001 and JIS X 0208; the order of (0008,0005) decides.
  assert.equal(hex(encodeText('洪', ['', 'ISO 2022 IR 149', 'ISO 2022 IR 87'], 'LO')), hex(bytes(`${ESC}$)C\xfb\xf3`)));
  assert.equal(hex(encodeText('洪', ['', 'ISO 2022 IR 87', 'ISO 2022 IR 149'], 'LO')), hex(bytes(`${ESC}$B9?${ESC}(B`)));
  // JIS X 0212 only where JIS X 0208 lacks the character: 丂 is JIS X 0212 0x3021.
  assert.equal(hex(encodeText('丂山', ['', 'ISO 2022 IR 87', 'ISO 2022 IR 159'], 'LO')), hex(bytes(`${ESC}$(D0!${ESC}$B;3${ESC}(B`)));
});

/** [charsets, VR, text, the character the message must name] */
const UNENCODABLE: ReadonlyArray<readonly [string[], VR, string, string]> = [
  [[], 'PN', 'Secret^Jérôme', 'U+00E9'],
  [['ISO_IR 6'], 'LO', 'Secret 王', 'U+738B'],
  [['ISO_IR 100'], 'PN', 'Secret^王', 'U+738B'],
  [['ISO 2022 IR 100'], 'PN', 'Secret^Люк', 'U+041B'],
  [JAPANESE, 'PN', 'Secret^한', 'U+D55C'],
  [KOREAN, 'PN', 'Secret^ｱ', 'U+FF71'],
  [['', 'ISO 2022 IR 58'], 'PN', 'Secret^東', 'U+6771'],
  [['GBK'], 'LO', 'Secret 😀', 'U+1F600'],
  [['GBK'], 'LO', 'Secret 한', 'U+D55C'],
  [['ISO_IR 192'], 'LO', 'Secret \ud800', 'U+D800'],
  [['GB18030'], 'LO', 'Secret \udc00', 'U+DC00'],
  [['ISO_IR 13'], 'LO', 'Secret 山', 'U+5C71'],
];

for (const [charsets, vr, text, point] of UNENCODABLE) {
  test(`encodeText() throws MedVeilError('charset') naming ${point} for "${charsets.join('\\')}", never writing "?"`, () => {
    assert.throws(
      () => encodeText(text, charsets, vr),
      (error: unknown) => {
        assert.ok(error instanceof MedVeilError);
        assert.equal(error.code, 'charset');
        assert.match(error.message, new RegExp(point.replace('+', '\\+')));
        assert.doesNotMatch(error.message, /Secret/, 'the message must not repeat the value, which may identify a patient');
        assert.ok(error.hint);
        return true;
      },
    );
  });
}

test('encodeText() refuses ESC in the text: a reader would take it for an escape sequence', () => {
  assert.throws(() => encodeText(`A${ESC}$B`, JAPANESE, 'LO'), (error: unknown) => error instanceof MedVeilError && error.code === 'charset');
});

test('decodeText() never throws on unknown or misspelt terms, and says what it did', () => {
  const cases: ReadonlyArray<readonly [string[], string, string, RegExp]> = [
    [['ISO_IR 999'], 'Caf\xe9', 'Café', /unknown term "ISO_IR 999"/],
    [['ISO IR 100'], 'Caf\xe9', 'Café', /"ISO IR 100" is not a defined term; reading it as "ISO_IR 100"/],
    [['ISO-IR 144'], '\xbb\xee', 'Лю', /reading it as "ISO_IR 144"/],
    [['ISO_IR 192', 'GB18030'], '\xe7\x8e\x8b', '王', /ISO_IR 192 does not allow code extensions/],
    [['', 'GB18030'], 'abc', 'abc', /GB18030 cannot be a code extension/],
    [['', 'ISO 2022 IR 999'], 'abc', 'abc', /unknown term "ISO 2022 IR 999" ignored/],
    [['ISO_IR 100', 'ISO 2022 IR 87'], `\xe9${ESC}$B;3${ESC}(B`, 'é山', /value 1 "ISO_IR 100" has no code extensions/],
    [[], `${ESC}$B;3${ESC}(B`, '山', /no code extensions; applied/],
    [['', 'ISO 2022 IR 149'], `${ESC}$B;3${ESC}(B`, '山', /designates ISO-IR 87 \(JIS X 0208\), which Specific Character Set does not declare/],
    [JAPANESE, `A${ESC}%GB`, `A${ESC}%GB`, /unknown escape sequence at byte 1/],
    [['ISO_IR 192'], 'A\xff', 'A\ufffd', /not UTF-8/],
    [KOREAN, `${ESC}$)C\xa1\xa1\xb1`, '\u3000\ufffd', /not a character of ISO-IR 149/],
  ];
  for (const [charsets, encoded, text, warning] of cases) {
    const warnings: string[] = [];
    assert.equal(decodeText(bytes(encoded), charsets, 'LO', { warnings }), text, charsets.join('\\'));
    assert.ok(warnings.some((w) => warning.test(w)), `${charsets.join('\\')}: ${JSON.stringify(warnings)}`);
  }
});

test('describeCharsets() reports value 1 and the sets reachable by escape sequences', () => {
  const plan = describeCharsets(['ISO 2022 IR 13', 'ISO 2022 IR 87']);
  assert.equal(plan.kind, 'iso2022');
  if (plan.kind !== 'iso2022') return;
  assert.equal(plan.initialG0.element.name, 'ISO-IR 14 (JIS X 0201 Roman)');
  assert.equal(plan.initialG1?.element.name, 'ISO-IR 13 (JIS X 0201 Katakana)');
  assert.deepEqual(plan.designations.map((d) => d.element.name), ['ISO-IR 14 (JIS X 0201 Roman)', 'ISO-IR 13 (JIS X 0201 Katakana)', 'ISO-IR 87 (JIS X 0208)']);
  assert.deepEqual(plan.warnings, []);
  assert.deepEqual(describeCharsets(['GB18030']), { kind: 'stand-alone', terms: ['GB18030'], codec: 'gb18030', warnings: [] });
  assert.equal(describeCharsets([]).kind, 'iso2022');
  assert.deepEqual(describeCharsets(['', 'ISO 2022 IR 58']).warnings, []);
});

/** [charsets, text, hex of the bytes] for the sets without code extensions. */
const DIRECT: ReadonlyArray<readonly [string[], string, string]> = [
  [['ISO_IR 100'], 'Buc^Jérôme', '4275635e4ae972f46d65'],
  [['ISO_IR 192'], 'Wang^XiaoDong=王^小東', '57616e675e5869616f446f6e673de78e8b5ee5b08fe69db1'],
  [['GB18030'], 'Wang^XiaoDong=王^小东', '57616e675e5869616f446f6e673dcdf55ed0a1b6ab'],
  [['GBK'], 'Wang^XiaoDong=王^小东', '57616e675e5869616f446f6e673dcdf55ed0a1b6ab'],
  [['GB18030'], '€𠀀', 'a2e395328236'],
  [['GB18030'], '\ue5e5', 'a3a0'],
  [['GBK'], '\ue5e5', 'a3a0'],
];

for (const [charsets, text, encoded] of DIRECT) {
  test(`"${charsets.join('\\')}" encodes ${JSON.stringify(text)} directly and decodes it back`, () => {
    assert.equal(hex(encodeText(text, charsets, 'PN')), encoded);
    assert.equal(decodeText(Buffer.from(encoded, 'hex'), charsets, 'PN'), text);
  });
}

test('GBK and GB18030: a 0x5C second byte is part of a character, not a value delimiter', () => {
  // 乗 is 81 5C in GBK and GB18030.
  for (const charsets of [['GBK'], ['GB18030']]) {
    const encoded = encodeText('乗\\乗', charsets, 'LO');
    assert.equal(hex(encoded), '815c5c815c');
    assert.equal(decodeText(encoded, charsets, 'LO'), '乗\\乗');
  }
});

test('JIS X 0208 reads the standard mapping (WAVE DASH) and still writes the Windows look-alike', () => {
  assert.equal(decodeText(bytes(`${ESC}$B!A${ESC}(B`), JAPANESE, 'LO'), '\u301c');
  assert.equal(hex(encodeText('\u301c', JAPANESE, 'LO')), hex(bytes(`${ESC}$B!A${ESC}(B`)));
  assert.equal(hex(encodeText('\uff5e', JAPANESE, 'LO')), hex(bytes(`${ESC}$B!A${ESC}(B`)));
});
