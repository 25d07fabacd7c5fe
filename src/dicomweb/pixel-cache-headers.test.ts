import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FastifyRequest } from 'fastify';
import { fullEtag, maskedEtag, matchesIfNoneMatch } from './pixel-cache-headers.js';

const asking = (value: string | undefined) => ({ headers: value === undefined ? {} : { 'if-none-match': value } }) as unknown as FastifyRequest;

test('a masked ETag depends on the bytes served and the block, a full one on the stored digest and the representation, and the two never coincide', () => {
  const bytes = [Buffer.from('masked bytes')];
  assert.equal(maskedEtag(bytes, 8), maskedEtag([Buffer.from('masked '), Buffer.from('bytes')], 8));
  assert.notEqual(maskedEtag(bytes, 8), maskedEtag(bytes, 16));
  assert.notEqual(maskedEtag(bytes, 8), maskedEtag([Buffer.from('other bytes')], 8));
  const digest = 'a'.repeat(64);
  assert.notEqual(fullEtag(digest, 'frames;1'), fullEtag(digest, 'frames;2'));
  assert.notEqual(fullEtag(digest, 'frames;1'), fullEtag('b'.repeat(64), 'frames;1'));
  assert.match(maskedEtag(bytes, 8), /^"m-[A-Za-z0-9_-]+"$/);
  assert.match(fullEtag(digest, 'x'), /^"f-[A-Za-z0-9_-]+"$/);
});

test('If-None-Match matches by weak comparison in a list, or *, and nothing without the header (RFC 9110 13.1.2)', () => {
  const tag = '"f-abc"';
  assert.equal(matchesIfNoneMatch(asking(undefined), tag), false);
  assert.equal(matchesIfNoneMatch(asking('"f-abc"'), tag), true);
  assert.equal(matchesIfNoneMatch(asking('"x", W/"f-abc"'), tag), true);
  assert.equal(matchesIfNoneMatch(asking('*'), tag), true);
  assert.equal(matchesIfNoneMatch(asking('"f-abd"'), tag), false);
  assert.equal(matchesIfNoneMatch(asking('f-abc'), tag), false);
});
