import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MedVeilError } from '../../errors.js';
import type { AuditEvent } from './audit-event.js';
import { decodeAuditEvent, encodeAuditEvent } from './encode-audit-event.js';
import { validateAuditEvent } from './validate-audit-event.js';
import { SAMPLE_VIEW_EVENT } from '../../../test/support/sample-audit-event.js';

const viewEvent: AuditEvent = SAMPLE_VIEW_EVENT;

test('encodeAuditEvent() writes canonical JSON with sorted members, and decodeAuditEvent() reads it back', () => {
  const bytes = encodeAuditEvent(viewEvent);
  const text = new TextDecoder().decode(bytes);
  assert.ok(text.startsWith('{"actor":{"address":"10.1.2.3","department":"radiology","role":"radiologist","user":"dr.chen"},"detail"'));
  assert.ok(text.endsWith(',"time":"2025-03-01T08:15:30.123Z","type":"view","v":1}'));
  assert.deepEqual(decodeAuditEvent(bytes), viewEvent);
  const reordered = { ...viewEvent, actor: { address: '10.1.2.3', user: 'dr.chen', department: 'radiology', role: 'radiologist' } };
  assert.deepEqual(encodeAuditEvent(reordered as AuditEvent), bytes);
});

test('decodeAuditEvent() refuses bytes that are valid JSON but not the canonical form', () => {
  const text = new TextDecoder().decode(encodeAuditEvent(viewEvent));
  assert.throws(() => decodeAuditEvent(new TextEncoder().encode(` ${text}`)), /canonical/);
  assert.throws(() => decodeAuditEvent(new TextEncoder().encode(JSON.stringify(viewEvent))), /canonical/);
  assert.throws(() => decodeAuditEvent(new TextEncoder().encode(text.replace('{"actor"', '{"type":"view","actor"'))), /canonical/);
  assert.throws(() => decodeAuditEvent(Uint8Array.of(0xff, 0x7b)), /UTF-8 JSON/);
  const withEmoji = new TextDecoder().decode(encodeAuditEvent({ ...viewEvent, actor: { user: 'dr.\u{1F600}' } }));
  assert.equal(decodeAuditEvent(new TextEncoder().encode(withEmoji)).actor.user, 'dr.\u{1F600}');
  const escaped = withEmoji.replace('\u{1F600}', '\\ud83d\\ude00');
  assert.notEqual(escaped, withEmoji);
  assert.throws(() => decodeAuditEvent(new TextEncoder().encode(escaped)), /canonical/);
  const unsorted = text.replace('"outcome":"success","purpose":"TREAT"', '"purpose":"TREAT","outcome":"success"');
  assert.notEqual(unsorted, text);
  assert.throws(() => decodeAuditEvent(new TextEncoder().encode(unsorted)), /canonical/);
});

test('validateAuditEvent() names every problem of an invalid event', () => {
  const bad = {
    ...viewEvent,
    time: '2025-02-30T08:15:30.123Z',
    type: 'peek',
    actor: { user: '', address: 'not an address!' },
    objects: [{ study: '1.02.3' }, { patient: 'Smith^John' }, {}],
    digests: [{ algorithm: 'md5', value: 'AB' }],
    extra: true,
  };
  assert.throws(
    () => validateAuditEvent(bad),
    (error: unknown) => {
      assert.ok(error instanceof MedVeilError && error.code === 'audit');
      for (const part of ['unknown member "extra"', 'event.time', 'event.type', 'event.actor.user', 'event.actor.address', 'objects[0].study', 'objects[1].patient', 'objects[2] names nothing', 'digests[0].algorithm', 'digests[0].value']) {
        assert.ok(error.message.includes(part), `message mentions ${part}: ${error.message}`);
      }
      return true;
    },
  );
});

test('validateAuditEvent() accepts the minimal event and refuses control characters that could forge export lines', () => {
  const minimal = { v: 1, time: '2025-01-01T00:00:00.000Z', type: 'login-failed', outcome: 'minor-failure', actor: { user: 'unknown' } };
  assert.deepEqual(validateAuditEvent(minimal), minimal);
  assert.throws(() => validateAuditEvent({ ...minimal, actor: { user: 'eve\n<14>1 forged' } }), /printable/);
  assert.throws(() => validateAuditEvent({ ...minimal, v: 2 }), /event.v/);
  assert.throws(() => validateAuditEvent({ ...minimal, actor: { user: 'a', role: undefined } }), /undefined/);
});
