import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WorkerPool } from './worker-pool.js';

// A worker module given as a data URL: it answers with the doubled number, and exits on 'die'.
const WORKER = new URL(
  `data:text/javascript,${encodeURIComponent(`
    import { parentPort } from 'node:worker_threads';
    parentPort.on('message', ({ id, task }) => {
      if (task === 'die') process.exit(3);
      parentPort.postMessage({ id, result: task * 2 });
    });
  `)}`,
);

test('the pool spreads tasks over its workers and returns each result to its caller', async () => {
  const pool = new WorkerPool<number, number>(WORKER, 2, undefined);
  try {
    assert.deepEqual(await Promise.all([1, 2, 3, 4, 5].map((n) => pool.run(n))), [2, 4, 6, 8, 10]);
  } finally {
    await pool.close();
  }
});

test('a worker that dies fails its task and gets no more; when all have died, run() rejects instead of hanging', async () => {
  const pool = new WorkerPool<number | string, number>(WORKER, 2, undefined);
  try {
    await assert.rejects(pool.run('die'), /exited with code 3/);
    assert.deepEqual(await Promise.all([1, 2, 3].map((n) => pool.run(n))), [2, 4, 6], 'the survivor takes every later task');
    await assert.rejects(pool.run('die'));
    await assert.rejects(pool.run(4), /exited with code 3/);
  } finally {
    await pool.close();
  }
});
