/**
 * CORS (https://fetch.spec.whatwg.org/#http-cors-protocol) for the configured origins only, so
 * that a viewer such as OHIF served from another origin can call the API. Credentials are
 * bearer tokens in a header, never cookies, so no `Access-Control-Allow-Credentials` is sent and
 * a page of another origin cannot ride on a signed-in browser.
 */
const ALLOWED_HEADERS = 'authorization, content-type, accept';
const EXPOSED_HEADERS = 'retry-after, www-authenticate, content-location, location';
const PREFLIGHT_MAX_AGE_SECONDS = '600';

/** Headers for an actual request from `origin`; none when it is not configured. */
export function corsHeaders(origin: string | undefined, allowed: ReadonlySet<string>): Record<string, string> {
  if (origin === undefined || !allowed.has(origin)) return {};
  return { 'access-control-allow-origin': origin, 'access-control-expose-headers': EXPOSED_HEADERS };
}

/** Headers answering a preflight, or undefined when the origin is not configured. */
export function preflightHeaders(origin: string | undefined, allowed: ReadonlySet<string>): Record<string, string> | undefined {
  if (origin === undefined || !allowed.has(origin)) return undefined;
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-methods': 'GET, HEAD, POST, PUT, PATCH, DELETE',
    'access-control-allow-headers': ALLOWED_HEADERS,
    'access-control-max-age': PREFLIGHT_MAX_AGE_SECONDS,
  };
}
