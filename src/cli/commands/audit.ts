/**
 * `medveil audit <verb>`: check and read the tamper-evident audit ledger. Verification needs only
 * public keys; only `keygen` and `checkpoint` touch secrets.
 */
import { createWriteStream, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { Command, Option } from 'commander';
import { MedVeilError } from '../../errors.js';
import { auditMessageXml } from '../../audit/atna/audit-message-xml.js';
import { octetCountingFrame, syslogMessage } from '../../audit/atna/syslog-message.js';
import { systemClock } from '../../audit/clock.js';
import { decodeAuditEvent } from '../../audit/event/encode-audit-event.js';
import { AuditLog } from '../../audit/log/audit-log.js';
import { verifyLog } from '../../audit/log/verify-log.js';
import { parseCheckpoint } from '../../audit/note/checkpoint.js';
import { formatPublicKeyFile, formatSecretKeyFile, generateLogKeys, generateWitnessKeys } from '../../audit/note/log-keys.js';
import { parseNote } from '../../audit/note/parse-note.js';
import { signNote } from '../../audit/note/sign-note.js';
import { buildReceipt } from '../../audit/receipt/build-receipt.js';
import { verifyReceipt } from '../../audit/receipt/verify-receipt.js';
import { lastCosignedSizes } from '../../audit/witness/last-cosigned-sizes.js';
import { witnessCheckpoint, type WitnessEndpoint } from '../../audit/witness/witness-client.js';
import { parseCryptoSuite } from '../../crypto/suite.js';
import type { AuditStore } from '../../storage/audit-store.js';
import { defaultAuditDatabase, openExistingAuditStore } from '../audit/open-audit-store.js';
import { readSigners, readText, readVerifierKeys } from '../audit/read-keys.js';
import { refuseWhileServed } from '../../server/server-lock.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
const dbOption = () => new Option('--db <file>', 'the audit database').default(defaultAuditDatabase);
const out = (text: string): void => void process.stdout.write(text);

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('verify, prove and export the tamper-evident audit ledger');

  audit
    .command('keygen')
    .description('create a signing key pair for a log (Ed25519; plus SM2 under --suite gm) or, with --witness, for a witness')
    .requiredOption('--name <name>', 'key name: the log origin (e.g. hospital.example/audit) or the witness name')
    .option('--suite <suite>', 'intl or gm', 'intl')
    .option('--witness', 'create a cosignature/v1 witness key instead of a log key')
    .requiredOption('--out <prefix>', 'writes <prefix>.key (secret, mode 0600) and <prefix>.pub; never overwrites')
    .action((options: { name: string; suite: string; witness?: boolean; out: string }) => {
      const keys = options.witness === true ? generateWitnessKeys(options.name) : generateLogKeys(options.name, parseCryptoSuite(options.suite));
      writeNew(`${options.out}.key`, formatSecretKeyFile(keys), 0o600);
      writeNew(`${options.out}.pub`, formatPublicKeyFile(keys), 0o644);
      out(`wrote ${options.out}.key (secret, keep it on the signing host) and ${options.out}.pub:\n${keys.verifierKeys.map((k) => `  ${k}\n`).join('')}`);
    });

  audit
    .command('verify')
    .description('recompute the whole log and check every checkpoint; names the first bad index')
    .addOption(dbOption())
    .requiredOption('--key <key>', 'log public key file or vkey (repeat for both gm keys)', collect)
    .option('--witness-key <key>', 'witness public key file or vkey, to check stored cosignatures', collect)
    .option('--origin <origin>', 'the origin every checkpoint must carry')
    .option('--json', 'print the result as JSON')
    .action(async (options: { db: string; key: string[]; witnessKey?: string[]; origin?: string; json?: boolean }) => {
      const store = openExistingAuditStore(options.db);
      try {
        const result = await verifyLog(store, readVerifierKeys(options.key), {
          witnesses: readVerifierKeys(options.witnessKey ?? []),
          ...(options.origin === undefined ? {} : { origin: options.origin }),
        });
        if (options.json === true) {
          out(`${JSON.stringify({ ...result, rootHash: Buffer.from(result.rootHash).toString('base64') }, null, 2)}\n`);
        } else if (result.ok) {
          out(`ok: ${result.size} events, root ${Buffer.from(result.rootHash).toString('base64')}, ${result.checkpointsChecked} checkpoints and ${result.cosignaturesChecked} cosignatures verified\n`);
        } else {
          out(`FAILED: ${result.problems.length} problem(s) in a log of ${result.size} events\n`);
          for (const problem of result.problems) out(`  ${problem.kind}: ${problem.message}\n`);
          out(result.firstBadIndex === undefined ? 'first bad index: none named (checkpoint-level problems)\n' : `first bad index: ${result.firstBadIndex}\n`);
        }
        if (!result.ok) process.exitCode = 1;
      } finally {
        await store.close();
      }
    });

  audit
    .command('prove')
    .description('write a receipt (c2sp tlog-proof) for one event against the latest checkpoint and its cosignatures')
    .argument('<index>', 'event index')
    .addOption(dbOption())
    .option('--out <file>', 'write the receipt here instead of standard output')
    .action(async (indexText: string, options: { db: string; out?: string }) => {
      const index = parseIndex(indexText);
      const store = openExistingAuditStore(options.db);
      try {
        const latest = await store.latestCheckpoint();
        if (latest === undefined) throw new MedVeilError('usage', 'the log has no checkpoint yet', { hint: 'issue one with `medveil audit checkpoint`' });
        const [event] = await store.readEvents(index, index + 1);
        if (event === undefined) throw new MedVeilError('usage', `no event ${index} in this log`, { hint: 'run `medveil audit tail` to see the latest index' });
        const cosignatures = await store.cosignatures(latest.size);
        const checkpoint = latest.note + cosignatures.map((c) => `${c.line}\n`).join('');
        const receipt = await buildReceipt({ index, leaf: event.data, checkpoint, reader: store });
        if (options.out === undefined) out(receipt);
        else {
          writeFileSync(options.out, receipt);
          process.stderr.write(`wrote the receipt of event ${index} (checkpoint ${latest.size}, ${cosignatures.length} cosignature(s)) to ${options.out}\n`);
        }
      } finally {
        await store.close();
      }
    });

  audit
    .command('verify-receipt')
    .description('verify a receipt offline with public keys only')
    .argument('<file>', 'the .tlog-proof receipt')
    .requiredOption('--key <key>', 'log or witness public key file or vkey (repeatable)', collect)
    .option('--origin <origin>', 'the log origin expected (default: the log key name)')
    .option('--min-witnesses <n>', 'valid witness cosignatures required (default 1 when a witness key is given)')
    .option('--json', 'print the verified event as JSON')
    .action((file: string, options: { key: string[]; origin?: string; minWitnesses?: string; json?: boolean }) => {
      const verified = verifyReceipt(readText(file), {
        keys: readVerifierKeys(options.key),
        ...(options.origin === undefined ? {} : { origin: options.origin }),
        ...(options.minWitnesses === undefined ? {} : { minWitnesses: parseIndex(options.minWitnesses) }),
      });
      if (options.json === true) {
        out(`${JSON.stringify({ index: verified.index, event: verified.event, origin: verified.checkpoint.origin, size: verified.checkpoint.size, witnesses: verified.witnesses }, null, 2)}\n`);
        return;
      }
      const e = verified.event;
      out(`verified: event ${verified.index} of ${verified.checkpoint.size} in ${verified.checkpoint.origin}\n`);
      out(`  ${e.time} ${e.type} ${e.outcome} by ${e.actor.user}\n`);
      for (const w of verified.witnesses) out(`  cosigned by ${w.name} at ${new Date(w.timestamp * 1000).toISOString()}\n`);
    });

  audit
    .command('tail')
    .description('show the latest events, checkpoint and witness refusals')
    .addOption(dbOption())
    .option('-n, --count <n>', 'how many events', '10')
    .option('--json', 'print events as JSON lines')
    .action(async (options: { db: string; count: string; json?: boolean }) => {
      const store = openExistingAuditStore(options.db);
      try {
        const size = await store.size();
        const events = await store.readEvents(Math.max(0, size - parseIndex(options.count)), size);
        for (const stored of events) {
          const event = decodeAuditEvent(stored.data);
          if (options.json === true) out(`${JSON.stringify({ index: stored.index, ...event })}\n`);
          else out(`${stored.index}\t${event.time}\t${event.type}\t${event.outcome}\t${event.actor.user}\n`);
        }
        if (options.json === true) return;
        const latest = await store.latestCheckpoint();
        out(latest === undefined ? `${size} events, no checkpoint yet\n` : `${size} events; latest checkpoint covers ${latest.size} (issued ${new Date(latest.issuedAt).toISOString()}, ${(await store.cosignatures(latest.size)).length} cosignature(s))\n`);
        const refusals = await store.witnessRefusals();
        for (const r of refusals.slice(-5)) out(`witness ${r.witness} refused checkpoint ${r.size} (${r.status}): ${r.message}\n`);
      } finally {
        await store.close();
      }
    });

  audit
    .command('export')
    .description('export events as DICOM audit messages (PS3.15 A.5) in RFC 5424 syslog, octet-counted (RFC 5425)')
    .addOption(new Option('--format <format>', 'export format').choices(['atna']).makeOptionMandatory())
    .addOption(dbOption())
    .option('--from <index>', 'first event index', '0')
    .option('--to <index>', 'one past the last event index (default: the end of the log)')
    .option('--source-id <id>', 'AuditSourceID', 'medveil')
    .option('--hostname <name>', 'syslog HOSTNAME', hostname())
    .option('--out <file>', 'write here instead of standard output')
    .action(async (options: { db: string; from: string; to?: string; sourceId: string; hostname: string; out?: string }) => {
      const store = openExistingAuditStore(options.db);
      const sink: Writable = options.out === undefined ? process.stdout : createWriteStream(options.out, { flags: 'wx' });
      try {
        const size = await store.size();
        const latest = await store.latestCheckpoint();
        const origin = latest === undefined ? undefined : parseCheckpoint(parseNote(latest.note).body).origin;
        const end = options.to === undefined ? size : Math.min(size, parseIndex(options.to));
        let written = 0;
        for (let start = parseIndex(options.from); start < end; start += 1000) {
          for (const stored of await store.readEvents(start, Math.min(end, start + 1000))) {
            const event = decodeAuditEvent(stored.data);
            const xml = auditMessageXml(event, { sourceId: options.sourceId, ...(origin === undefined ? {} : { ledger: { origin, index: stored.index } }) });
            const frame = octetCountingFrame(syslogMessage(xml, { timestamp: event.time, hostname: options.hostname, procId: String(process.pid) }));
            if (!sink.write(frame)) await new Promise((resolve) => sink.once('drain', resolve));
            written++;
          }
        }
        if (sink !== process.stdout) {
          await new Promise<void>((resolve, reject) => sink.end((error?: Error | null) => (error ? reject(error) : resolve())));
          process.stderr.write(`wrote ${written} audit messages to ${options.out}\n`);
        }
      } finally {
        await store.close();
      }
    });

  audit
    .command('checkpoint')
    .description('sign a checkpoint of the log now and submit it to witnesses')
    .addOption(dbOption())
    .requiredOption('--key-file <file>', 'the log signing key file (secret)')
    .option('--origin <origin>', 'log origin (default: the signing key name)')
    .option('--witness <url=key>', 'witness URL and its public key file or vkey (repeatable)', collect)
    .action(async (options: { db: string; keyFile: string; origin?: string; witness?: string[] }) => {
      const signers = readSigners(options.keyFile);
      const witnesses: WitnessEndpoint[] = (options.witness ?? []).map((spec) => {
        const at = spec.indexOf('=');
        if (at < 0) throw new MedVeilError('usage', `--witness ${spec}: expected <url>=<public key>`);
        const [verifier] = readVerifierKeys([spec.slice(at + 1)]).filter((k) => k.kind === 'cosignature/v1');
        if (verifier === undefined) throw new MedVeilError('usage', `--witness ${spec}: no cosignature/v1 key`, { hint: 'create one with `medveil audit keygen --witness`' });
        return { url: spec.slice(0, at), verifier };
      });
      // A running server signs its own checkpoints into this log; a second writer would break its state.
      refuseWhileServed(dirname(resolve(options.db)), 'medveil audit checkpoint');
      const store = openExistingAuditStore(options.db);
      const knownSizes = await lastCosignedSizes(store, witnesses);
      const log = await AuditLog.open({
        store,
        origin: options.origin ?? signers[0]!.name,
        clock: systemClock,
        signer: (body) => signNote(body, signers),
      });
      try {
        const checkpoint = await log.checkpoint();
        out(`checkpoint ${checkpoint.size} signed\n`);
        if (witnesses.length === 0) return;
        const result = await witnessCheckpoint({
          checkpoint: checkpoint.note,
          size: checkpoint.size,
          witnesses,
          knownSizes,
          proofFrom: (oldSize) => log.proveConsistency(oldSize, checkpoint.size),
        });
        for (const c of result.cosignatures) {
          await log.recordCosignature({ size: checkpoint.size, witness: c.witness, line: c.line.replace(/\n$/, '') });
          out(`cosigned by ${c.witness}\n`);
        }
        for (const r of result.refusals) {
          await log.recordWitnessRefusal({ size: checkpoint.size, witness: r.witness, status: r.status, message: r.message });
          out(`REFUSED by ${r.witness} (${r.status}): ${r.message}\n`);
        }
        if (result.refusals.length > 0) process.exitCode = 1;
      } finally {
        await log.close();
      }
    });
}

function parseIndex(text: string): number {
  if (!/^(0|[1-9][0-9]{0,15})$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new MedVeilError('usage', `"${text}" is not a non-negative whole number`);
  }
  return Number(text);
}

function writeNew(path: string, text: string, mode: number): void {
  try {
    writeFileSync(path, text, { flag: 'wx', mode });
  } catch (cause) {
    const exists = (cause as NodeJS.ErrnoException).code === 'EEXIST';
    throw new MedVeilError('io', exists ? `${path} exists; keys are never overwritten` : `cannot write ${path}`, {
      cause,
      hint: exists ? 'choose another --out prefix, or move the old key away deliberately' : 'check the directory and its permissions',
    });
  }
}
