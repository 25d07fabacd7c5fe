/**
 * Cache headers of responses that carry pixels (docs/decisions/masked-and-full-cache-headers.md).
 * A masked response is `Cache-Control: no-store` with an ETag from the masked bytes, "masked" and
 * the mosaic block; a full one is `Cache-Control: private, no-cache` (a private cache may keep it
 * but must ask again, so every use is decided and audited) with an ETag from the stored object's
 * digest and the representation served. The two are hashed with different labels, so a masked
 * and a full answer never share a tag (RFC 9110 8.8.3). Both vary by the credentials that decide
 * what is served: `Vary: Authorization, Cookie` (RFC 9110 12.5.5).
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

const VARY = 'Authorization, Cookie';

/** The ETag of a masked answer: what was served, "masked", and the block size. */
export function maskedEtag(parts: readonly Uint8Array[], blockSize: number): string {
  const hash = createHash('sha256').update('medveil masked\n');
  for (const part of parts) hash.update(part);
  return `"m-${hash.update(`\nmasked\n${blockSize}`).digest('base64url')}"`;
}

/** The ETag of a full answer: the stored object's SHA-256 and the representation it was served in. */
export function fullEtag(storedSha256: string, representation: string): string {
  return `"f-${createHash('sha256').update(`medveil full\n${storedSha256}\n${representation}`).digest('base64url')}"`;
}

export function setMaskedCacheHeaders(reply: FastifyReply, etag: string): FastifyReply {
  return reply.header('cache-control', 'no-store').header('etag', etag).header('vary', VARY);
}

export function setFullCacheHeaders(reply: FastifyReply, etag: string): FastifyReply {
  return reply.header('cache-control', 'private, no-cache').header('etag', etag).header('vary', VARY);
}

/**
 * Whether the request's If-None-Match names `etag` (RFC 9110 13.1.2: weak comparison, `*`
 * matches any current representation). Only ever asked after the view was decided and recorded.
 */
export function matchesIfNoneMatch(request: FastifyRequest, etag: string): boolean {
  const header = request.headers['if-none-match'];
  if (header === undefined) return false;
  const text = Array.isArray(header) ? header.join(',') : header;
  const strip = (tag: string) => tag.trim().replace(/^W\//, '');
  return text.split(',').some((tag) => tag.trim() === '*' || strip(tag) === strip(etag));
}

/** 304 Not Modified for a full answer the client already holds: the cache headers, no body. */
export function sendNotModified(reply: FastifyReply, etag: string): FastifyReply {
  return setFullCacheHeaders(reply.code(304), etag).send();
}
