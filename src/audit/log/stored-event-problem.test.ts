import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalJson } from '../event/canonical-json.js';
import { decodeAuditEvent, encodeAuditEvent } from '../event/encode-audit-event.js';
import { isPlainCanonicalJson } from './plain-canonical-json.js';
import { storedEventProblem } from './stored-event-problem.js';

const event = {
  v: 1 as const,
  time: '2025-03-01T08:00:00.000Z',
  type: 'view' as const,
  outcome: 'success' as const,
  actor: { user: 'dr.wang', role: 'radiologist', address: '10.0.0.7' },
  purpose: 'TREAT',
  objects: [{ study: '1.2.840.113619.2.55', patient: 'MV00A1B2C3' }],
  digests: [{ algorithm: 'sha256' as const, value: 'ab'.repeat(32) }],
  detail: { note: 'quote " backslash \\ é 中 😀 \u2028' },
};
const canonical = new TextDecoder().decode(encodeAuditEvent(event));

test('isPlainCanonicalJson() accepts canonical texts of the plain subset', () => {
  for (const text of [canonical, '{}', '[]', '""', '0', '-12', '123456789012345', 'true', 'null', '{"":1,"a":[],"b":{}}', '{"a":"\\u001f\\n"}', '"😀"']) {
    assert.equal(isPlainCanonicalJson(text), true, text);
    assert.equal(canonicalJson(JSON.parse(text)), text, `${text} is canonical`);
  }
});

test('isPlainCanonicalJson() refuses every non-canonical text, and canonical ones outside the subset', () => {
  const cases: [string, string][] = [
    [' {}', 'leading whitespace'],
    ['{} ', 'trailing whitespace'],
    ['{"a": 1}', 'space after a colon'],
    ['[1, 2]', 'space after a comma'],
    ['{"b":1,"a":2}', 'members out of order'],
    ['{"a":1,"a":2}', 'a repeated name'],
    ['{"B":1,"a":2,"a":3}', 'a repeated name after sorted ones'],
    ['{"10":1,"9":2}', 'integer-like names, which engines enumerate first'],
    ['{"\\u0061":1}', 'an escaped name'],
    ['"\\/"', 'an escaped solidus'],
    ['"\\u0041"', 'an escaped letter'],
    ['"\\u001F"', 'uppercase hex'],
    ['"\\u000a"', 'a control that has a short escape'],
    ['"\\u007f"', 'DEL, which is written raw'],
    ['"\\ud83d\\ude00"', 'an escaped surrogate pair'],
    ['"\\ud800"', 'an escaped lone surrogate'],
    ['"\ud800"', 'a raw lone high surrogate'],
    ['"\udc00x"', 'a raw lone low surrogate'],
    ['1.0', 'a fraction'],
    ['1e3', 'an exponent'],
    ['-0', 'minus zero'],
    ['01', 'a leading zero'],
    ['1234567890123456', 'more than 15 digits'],
    ['1.5', 'a canonical fraction, outside the subset'],
  ];
  for (const [text, why] of cases) assert.equal(isPlainCanonicalJson(text), false, why);
  // Not JSON at all: refused too, though the function promises nothing for such text.
  for (const text of ['"abc', '{"a":1', '{"a":1}{}', '']) assert.equal(isPlainCanonicalJson(text), false, text);
});

// A small deterministic generator, so that a failure names a seed that reproduces it.
function* randomEdits(seed: number, count: number): Generator<string> {
  let state = seed;
  const next = (n: number) => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % n;
  };
  const pieces = [' ', '\\', '"', ',', ':', '{', '}', '[', ']', '\\u00', '\\n', '\\/', '0', '1', '-', '.', 'e', 'a', 'Z', '\u00e9', '\ud83d', '\ude00'];
  for (let i = 0; i < count; i++) {
    let text = canonical;
    for (let edits = 1 + next(3); edits > 0; edits--) {
      const at = next(text.length);
      const kind = next(3);
      if (kind === 0) text = text.slice(0, at) + pieces[next(pieces.length)]! + text.slice(at);
      else if (kind === 1) text = text.slice(0, at) + text.slice(at + 1 + next(4));
      else text = text.slice(0, at) + text.slice(at + 1, at + 2) + text.slice(at, at + 1) + text.slice(at + 2);
    }
    yield text;
  }
}

test('a JSON text isPlainCanonicalJson() accepts is the canonical form of its own parse (20,000 random edits of an event)', () => {
  let accepted = 0;
  for (const text of randomEdits(20251123, 20_000)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      continue;
    }
    if (!isPlainCanonicalJson(text)) continue;
    accepted++;
    assert.equal(canonicalJson(parsed), text, text);
  }
  assert.ok(accepted > 100, `only ${accepted} edited texts were accepted, too few to show anything`);
});

const bytes = (text: string) => new TextEncoder().encode(text);

test('storedEventProblem() gives the verdict and message of decodeAuditEvent()', () => {
  const inputs: [Uint8Array, string][] = [
    [bytes(canonical), 'a canonical event'],
    [bytes(canonical.replace('"v":1', '"v":1.0')), 'a non-canonical number'],
    [bytes(canonical.replace('quote \\"', 'quote \\u0022')), 'a non-canonical escape'],
    [bytes(canonical.replace('{"note"', '{ "note"')), 'whitespace'],
    [bytes(canonical.replace('"user":"dr.wang"', '"user":"dr.w\\u0061ng"')), 'an escaped letter'],
    [bytes(canonical.replace('"note":', '"n\\u006fte":')), 'an escaped member name'],
    [bytes(canonical.replace('"outcome":"success"', '"outcome":"bogus"')), 'an invalid outcome'],
    [bytes(canonical.replace('"role":"radiologist"', '"role":"radiologist","zz":1')), 'an unknown member'],
    [bytes(canonical.replace('"v":1', '"v":1,"v":1')), 'a repeated member'],
    [bytes(`\ufeff${canonical}`), 'a byte order mark'],
    [Uint8Array.of(0x7b, 0xff, 0x7d), 'invalid UTF-8'],
    [bytes('{"not":"an event"}'), 'not an event'],
    [bytes('[1,2'), 'not JSON'],
    [new Uint8Array(0), 'no bytes'],
  ];
  for (const [input, why] of inputs.slice(1)) assert.notDeepEqual(input, inputs[0]![0], `${why} is an edit`);
  for (const [input, why] of inputs) {
    let expected: string | undefined;
    try {
      decodeAuditEvent(input);
    } catch (error) {
      expected = (error as Error).message;
    }
    assert.equal(storedEventProblem(input), expected, why);
  }
  assert.equal(storedEventProblem(bytes(canonical)), undefined, 'the canonical event is valid');
});
