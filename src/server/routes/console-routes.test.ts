import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testHttpApp } from '../../../test/support/testing-http-app.js';

const SECRET = 'a file outside the console folder';

/** A console build like Vite's, beside a file it must never serve. */
function consoleBuild(): { dist: string; empty: string } {
  const base = mkdtempSync(join(tmpdir(), 'medveil-console-'));
  const dist = join(base, 'dist');
  mkdirSync(join(dist, 'assets'), { recursive: true });
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>console</title><script type="module" src="/console/assets/index-Ab12_x.js"></script>');
  writeFileSync(join(dist, 'assets', 'index-Ab12_x.js'), 'console.log("console")');
  writeFileSync(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(base, 'secret.txt'), SECRET);
  symlinkSync(join(base, 'secret.txt'), join(dist, 'assets', 'leak.js'));
  const empty = join(base, 'not-built');
  mkdirSync(empty);
  return { dist, empty };
}

test('the console is served at /console/ with strict headers, and / sends a browser there', async () => {
  const { dist } = consoleBuild();
  const { app } = await testHttpApp({ consoleDir: dist });

  for (const url of ['/', '/console']) {
    const response = await app.inject({ method: 'GET', url });
    assert.deepEqual([response.statusCode, response.headers.location], [302, '/console/'], url);
  }
  for (const url of ['/console/', '/console/index.html', '/console/users', '/console/users/li.wei']) {
    const page = await app.inject({ method: 'GET', url });
    assert.equal(page.statusCode, 200, url);
    assert.match(page.body, /<title>console<\/title>/);
    assert.equal(page.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(page.headers['cache-control'], 'no-cache');
    const csp = String(page.headers['content-security-policy']);
    for (const directive of ["default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "object-src 'none'"]) assert.ok(csp.includes(directive), `${url}: ${directive} in ${csp}`);
    assert.ok(!csp.includes('unsafe-inline'));
    // Frames fetched with the token are shown from blob: URLs; never data: or another host.
    assert.match(csp, /(^|; )img-src 'self' blob:(;|$)/, `${url}: img-src in ${csp}`);
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    assert.equal(page.headers['x-frame-options'], 'DENY');
  }
  const script = await app.inject({ method: 'GET', url: '/console/assets/index-Ab12_x.js' });
  assert.deepEqual([script.statusCode, script.headers['content-type'], script.headers['cache-control']], [200, 'text/javascript; charset=utf-8', 'public, max-age=31536000, immutable']);
  const icon = await app.inject({ method: 'GET', url: '/console/favicon.svg' });
  assert.deepEqual([icon.statusCode, icon.headers['content-type'], icon.headers['cache-control']], [200, 'image/svg+xml', 'no-cache']);
  for (const url of ['/console/assets/index-missing.js', '/console/missing.png']) assert.equal((await app.inject({ method: 'GET', url })).statusCode, 404, url);
});

/** GET with the path sent exactly as written: fetch and app.inject would resolve the dot segments first. */
function rawGet(base: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const call = request(`${base}/`, { method: 'GET', path }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk)).on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    call.on('error', reject).end();
  });
}

test('path traversal on the console route is refused and audited as a deny, and nothing outside the folder is served', async (t) => {
  const { dist } = consoleBuild();
  const { app, events } = await testHttpApp({ consoleDir: dist });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  t.after(() => app.close());
  const attempts = [
    '/console/../secret.txt',
    '/console/assets/../../secret.txt',
    '/console/%2e%2e/secret.txt',
    '/console/assets/..%2f..%2fsecret.txt',
    '/console/..%5csecret.txt',
    '/console/assets/%00.js',
    '/console//secret.txt',
    '/console/.hidden.js',
    '/console/assets/index-Ab12_x.js%20',
  ];
  for (const path of attempts) {
    const before = events.length;
    const response = await rawGet(base, path);
    assert.equal(response.status, 400, `${path}: ${response.status} ${response.body}`);
    assert.equal((JSON.parse(response.body) as { error: string }).error, 'invalid-path');
    assert.ok(!response.body.includes(SECRET), path);
    const event = events.slice(before).find((e) => e.detail?.route === '/console/*');
    assert.deepEqual([event?.type, event?.detail?.reason], ['deny', 'invalid-console-path'], path);
  }
  // A symbolic link inside the build that points out of it is not followed.
  const linked = await rawGet(base, '/console/assets/leak.js');
  assert.equal(linked.status, 404);
  assert.ok(!linked.body.includes(SECRET));
});

test('a console that was not built answers 503 with what to run, and the API still works', async () => {
  const { empty } = consoleBuild();
  for (const consoleDir of [empty, join(empty, 'no-such-folder')]) {
    const { app } = await testHttpApp({ consoleDir });
    for (const url of ['/console/', '/console/assets/index-Ab12_x.js']) {
      const response = await app.inject({ method: 'GET', url });
      assert.equal(response.statusCode, 503, url);
      assert.match(response.body, /console has not been built/);
      assert.match(response.body, /npm run build/);
    }
    assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
  }
});
