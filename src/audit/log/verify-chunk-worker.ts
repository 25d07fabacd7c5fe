/*
 * Worker thread of ChunkVerifierPool. In: { id, chunk: ChunkToVerify }. Out: { id, verdict: ChunkVerdict }.
 */
import { parentPort } from 'node:worker_threads';
import { verifyChunk, type ChunkToVerify } from './verify-chunk.js';

const port = parentPort;
if (port === null) throw new Error('verify-chunk-worker runs as a worker thread');
port.on('message', ({ id, chunk }: { id: number; chunk: ChunkToVerify }) => {
  port.postMessage({ id, verdict: verifyChunk(chunk) });
});
