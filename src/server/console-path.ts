/**
 * Which file of the built console (web/dist) a path under `/console/` names. The path comes
 * from the request (attacker-controlled, already percent-decoded by the router), so it is
 * checked against an allow-list before it comes near the file system: segments of letters,
 * digits, `.`, `_` and `-`, never `.` or `..`, never empty. The route (console-routes.ts) also
 * checks that the resolved file lies inside the console folder, so a symbolic link cannot
 * lead out of it either.
 */
export type ConsolePath =
  /** A file of the build, relative to its folder, with `/` between segments. */
  | { readonly kind: 'file'; readonly relative: string; readonly immutable: boolean }
  /** A page of the console (`/console/users`): the single-page app's index.html answers it. */
  | { readonly kind: 'page' }
  | { readonly kind: 'refused'; readonly reason: string };

const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;
const MAX_SEGMENTS = 8;

/** Vite writes content-hashed names under assets/ (vite.config.ts): those never change. */
const HASHED_FOLDER = 'assets';

export function consolePath(requested: string): ConsolePath {
  if (requested === '' || requested === 'index.html') return { kind: 'page' };
  const segments = requested.split('/');
  if (segments.length > MAX_SEGMENTS) return { kind: 'refused', reason: 'too many path segments' };
  for (const segment of segments) {
    if (!SEGMENT.test(segment) || segment.includes('..')) return { kind: 'refused', reason: 'a path segment is empty, a dot segment, or has a character outside [A-Za-z0-9._-]' };
  }
  // The build holds hashed files in assets/ and a few files beside index.html (favicon.svg);
  // any other path is a page of the app, whose names may hold dots (`users/li.wei`).
  const hashed = segments.length === 2 && segments[0] === HASHED_FOLDER;
  const topLevelFile = segments.length === 1 && segments[0]!.includes('.');
  if (!hashed && !topLevelFile) return { kind: 'page' };
  return { kind: 'file', relative: segments.join('/'), immutable: hashed };
}
