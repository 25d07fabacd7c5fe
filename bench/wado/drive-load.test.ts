import assert from 'node:assert/strict';
import { test } from 'node:test';
import { quantile } from './drive-load.js';

test('quantile() takes the nearest rank: p50 and p99 of 1..100 are 50 and 99', () => {
  const values = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.deepEqual([quantile(values, 0.5), quantile(values, 0.99), quantile(values, 1), quantile(values, 0)], [50, 99, 100, 1]);
});

test('quantile() of one value is that value; of none is NaN', () => {
  assert.equal(quantile([7], 0.99), 7);
  assert.ok(Number.isNaN(quantile([], 0.5)));
});

test('driveLoad() makes exactly `total` requests in order over the list, and counts wrong statuses and bodies as failed', async () => {
  const { createServer } = await import('node:http');
  const seen: string[] = [];
  const server = createServer((request, response) => {
    seen.push(request.url!);
    if (request.url === '/missing') response.writeHead(404).end('not found');
    else response.writeHead(200).end(request.url === '/wrong' ? 'other' : 'right');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { driveLoad } = await import('./drive-load.js');
  const port = (server.address() as { port: number }).port;
  const check = (chunks: readonly Buffer[]) => Buffer.concat(chunks).toString() === 'right';
  try {
    const result = await driveLoad({
      baseUrl: `http://127.0.0.1:${port}`,
      headers: { authorization: 'Bearer x' },
      requests: [{ path: '/a', check }, { path: '/missing', check }, { path: '/wrong', check }],
      total: 30,
      concurrency: 4,
    });
    assert.deepEqual([result.requests, result.ok, result.failed, result.latenciesMs.length], [30, 10, 20, 30]);
    assert.equal(seen.length, 30);
    assert.deepEqual(new Set(seen), new Set(['/a', '/missing', '/wrong']));
    assert.equal(result.bytes, 10 * 'right'.length + 10 * 'not found'.length + 10 * 'other'.length);
    assert.match(result.firstFailure ?? '', /^(404 \/missing: not found|200 \/wrong: other)$/);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
