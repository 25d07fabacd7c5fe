import { readFile, realpath } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { consolePath } from '../console-path.js';

/**
 * The browser's rules for every console answer: scripts, styles, images and API calls from this
 * origin only, no inline script or style (Vite's build has none, web/vite.config.ts), no page
 * may frame the console (clickjacking), no referrer leaves it. Images may also come from blob:
 * URLs, which only the page itself can make: the viewer fetches rendered frames with the bearer
 * token (an <img src> could not send it) and shows the answer from a blob: URL.
 */
const CONSOLE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>MedVeil console not built</title></head>
<body><h1>The MedVeil console has not been built</h1>
<p>The API works; only the web console is missing. In the MedVeil folder run <code>npm run build</code> (or <code>npm ci</code>), then reload this page.</p>
<p lang="zh-CN">管理控制台尚未构建。请在 MedVeil 目录中运行 <code>npm run build</code>（或 <code>npm ci</code>），然后刷新本页。</p>
</body></html>
`;

export interface ConsoleRouteDeps {
  /** The console's build folder (web/dist), which holds index.html and assets/. */
  readonly consoleDir: string;
}

/**
 * The web console (docs/console.md): the files Vite built, at `/console/`, with `/` sent there.
 * Pages of the single-page app (`/console/users`) get its index.html. The console talks to the
 * API like any other client; these routes serve files only and are public.
 */
export function registerConsoleRoutes(app: FastifyInstance, deps: ConsoleRouteDeps): void {
  const redirect = async (_request: FastifyRequest, reply: FastifyReply) => reply.code(302).header('location', '/console/').send();
  app.get('/', { config: { access: 'public' }, schema: { summary: 'Sends a browser to the console', tags: ['console'] } }, redirect);
  app.get('/console', { config: { access: 'public' }, schema: { summary: 'Sends a browser to the console', tags: ['console'] } }, redirect);
  app.get<{ Params: { '*': string } }>(
    '/console/*',
    { config: { access: 'public', requestLog: 'debug' }, schema: { summary: 'The web console: its pages and the files of its build', tags: ['console'] } },
    async (request, reply) => {
      reply.headers(CONSOLE_HEADERS);
      const wanted = consolePath(request.params['*']);
      if (wanted.kind === 'refused') {
        request.medveil.denied = true;
        request.medveil.reason = 'invalid-console-path';
        return reply.code(400).send({ error: 'invalid-path', message: `not a path of the console: ${wanted.reason}` });
      }
      const root = await realpath(deps.consoleDir).catch(() => undefined);
      const index = root === undefined ? undefined : await readFile(join(root, 'index.html')).catch(() => undefined);
      if (root === undefined || index === undefined) {
        request.medveil.reason = 'console-not-built';
        return reply.code(503).header('retry-after', '60').type(CONTENT_TYPES['.html']!).send(NOT_BUILT_PAGE);
      }
      if (wanted.kind === 'page') return reply.header('cache-control', 'no-cache').type(CONTENT_TYPES['.html']!).send(index);
      const file = await readInside(root, wanted.relative);
      if (file === undefined) return reply.code(404).send({ error: 'not-found', message: `the console has no file ${wanted.relative}` });
      return reply
        .header('cache-control', wanted.immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
        .type(CONTENT_TYPES[extname(wanted.relative)] ?? 'application/octet-stream')
        .send(file);
    },
  );
}

/** The file's bytes if it is a regular file whose real path lies inside `root` (itself a real path). */
async function readInside(root: string, relative: string): Promise<Buffer | undefined> {
  const real = await realpath(join(root, relative)).catch(() => undefined);
  if (real === undefined || !real.startsWith(root + sep)) return undefined;
  return readFile(real).catch(() => undefined);
}
