/**
 * A real witness (c2sp.org/tlog-witness over HTTP) for a console run, trusting the log key that
 * the server is given: the audit page's Verify then shows a real cosignature, not the server's word.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import type { CryptoSuite } from '../../src/crypto/suite.js';
import { formatPublicKeyFile, formatSecretKeyFile, generateLogKeys, generateWitnessKeys } from '../../src/audit/note/log-keys.js';
import { parseSignerKey } from '../../src/audit/note/signer-key.js';
import { parseVerifierKey } from '../../src/audit/note/verifier-key.js';
import { buildWitnessApp } from '../../src/audit/witness/witness-app.js';
import { MemoryWitnessStateStore } from '../../src/audit/witness/witness-state.js';

export interface ConsoleWitness {
  readonly origin: string;
  readonly name: string;
  readonly store: MemoryWitnessStateStore;
  /** For startConsoleRun's `prepare`: places the log keys in the folder and answers gateway.yaml naming the witness. */
  prepare(folder: string): string;
}

/** Starts the witness for one test (closed after it). */
export async function startConsoleWitness(t: TestContext, options: { suite: CryptoSuite; origin: string; name: string }): Promise<ConsoleWitness> {
  const logKeys = generateLogKeys(options.origin, options.suite);
  const witnessKeys = generateWitnessKeys(options.name);
  const store = new MemoryWitnessStateStore();
  const witness = buildWitnessApp({
    cosigners: witnessKeys.signerKeys.map((key) => parseSignerKey(key)),
    logs: new Map([[options.origin, logKeys.verifierKeys.map(parseVerifierKey)]]),
    store,
  });
  await witness.listen({ host: '127.0.0.1', port: 0 });
  t.after(() => witness.close());
  const witnessUrl = `http://127.0.0.1:${(witness.server.address() as AddressInfo).port}`;
  return {
    origin: options.origin,
    name: options.name,
    store,
    prepare(folder) {
      const keys = join(folder, 'data', 'keys');
      mkdirSync(keys, { recursive: true, mode: 0o700 });
      writeFileSync(join(keys, 'audit-log.key'), formatSecretKeyFile(logKeys), { mode: 0o600 });
      writeFileSync(join(keys, 'audit-log.pub'), formatPublicKeyFile(logKeys), { mode: 0o644 });
      return [
        'dataDir: data',
        'http:\n  port: 0',
        'dimse:\n  port: 0',
        `crypto:\n  suite: ${options.suite}`,
        `audit:\n  origin: ${options.origin}\n  witnesses:\n    - url: ${witnessUrl}\n      key: "${witnessKeys.verifierKeys[0]}"`,
        '',
      ].join('\n');
    },
  };
}

/** Alters one hash of every receipt's inclusion proof on its way to `page`, as a tampering network would. */
export async function tamperWithReceiptProofs(page: Page): Promise<void> {
  await page.route(/\/api\/audit\/events\/\d+$/, async (route) => {
    const response = await route.fetch();
    const body = (await response.json()) as { receipt: string };
    const lines = body.receipt.split('\n');
    assert.match(lines[3]!, /^[A-Za-z0-9+/]{43}=$/, 'the receipt has a proof hash to alter');
    lines[3] = `${lines[3]![0] === 'A' ? 'B' : 'A'}${lines[3]!.slice(1)}`;
    await route.fulfill({ response, json: { ...body, receipt: lines.join('\n') } });
  });
}
