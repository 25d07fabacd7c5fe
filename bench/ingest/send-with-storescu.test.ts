import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countStoreResponses } from './send-with-storescu.js';

// Lines as dcmtk 3.6.7's storescu -v prints them.
const cases = [
  { name: 'a success response counts as stored', log: 'I: Sending Store Request (MsgID 1, CR)\nI: Received Store Response (Success)\n', succeeded: 1, failed: 0 },
  {
    name: 'a file storescu could not send counts as failed, with its reason and no path',
    log: 'E: Store Failed, file: /data/x/693_J2KI.dcm:\nE: 0006:020e DIMSE Failed to send message\n',
    succeeded: 0,
    failed: 1,
    failure: 'E: Store Failed, file E: 0006:020e DIMSE Failed to send message',
  },
  { name: 'a refusal status counts as failed', log: 'I: Received Store Response (Refused: OutOfResources)\n', succeeded: 0, failed: 1 },
  { name: 'a warning status is not a clean store', log: 'I: Received Store Response (Warning: CoercionOfDataElements)\n', succeeded: 0, failed: 1 },
  { name: 'a file without a presentation context counts as failed', log: 'E: No presentation context for: (RPi) 1.2.840.10008.5.1.4.1.1.481.8\n', succeeded: 0, failed: 1 },
];

for (const c of cases) {
  test(`countStoreResponses(): ${c.name}`, () => {
    const counts = countStoreResponses(c.log);
    assert.deepEqual([counts.succeeded, counts.failed], [c.succeeded, c.failed]);
    if (c.failure !== undefined) assert.deepEqual(counts.failures, [c.failure]);
    assert.ok(counts.failures.every((line) => !line.includes('/data/')), 'no path of the machine');
  });
}
