/*
 * Worker thread of EventChecker: decodes and validates packed events off the main thread,
 * so that verifyLog hashes the tree on one core while the events are checked on another.
 * In: { id, indexes: Float64Array, bytes: Uint8Array, lengths: Uint32Array }. Out: { id, problems }.
 */
import { parentPort } from 'node:worker_threads';
import { checkPackedEvents, type PackedEvents } from './event-checker.js';

const port = parentPort;
if (port === null) throw new Error('check-events-worker runs as a worker thread');
port.on('message', (message: PackedEvents & { id: number }) => {
  port.postMessage({ id: message.id, problems: checkPackedEvents(message) });
});
