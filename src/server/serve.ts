/**
 * `medveil serve` as a function: opens the data folder, its keys and stores, the audit log and
 * the HTTP app, and listens. The composition root of the gateway: every other module gets what
 * it needs from here and does no wiring of its own.
 */
import { closeSync, existsSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { createBootstrapCode } from '../access/identity/bootstrap-code.js';
import { systemClock, type Clock } from '../audit/clock.js';
import { AuditLog } from '../audit/log/audit-log.js';
import { signNote } from '../audit/note/sign-note.js';
import { SqliteAccountStore } from '../storage/adapters/sqlite-account-store.js';
import { SqliteAuditStore } from '../storage/adapters/sqlite-audit-store.js';
import { SqliteAuditEventIndex } from '../storage/adapters/sqlite-audit-event-index.js';
import { DEFAULT_SENSITIVITY_RULES } from '../access/default-sensitivity-rules.js';
import { dicomwebLimits } from '../dicomweb/dicomweb-deps.js';
import type { DimseServer } from '../dimse/dimse-server.js';
import { DEFAULT_REQUEST_POLICY } from '../access/requests/access-request.js';
import { storedGrants } from '../gateway/stored-grants.js';
import { SqliteRequestStore } from '../storage/adapters/sqlite-request-store.js';
import type { FindTextRegions } from '../pixels/clean-pixels.js';
import { bootstrapNotice } from './bootstrap-notice.js';
import { gatewayIndexExists, openGatewayStores, type GatewayStores } from './gateway-stores.js';
import { startDimse } from './start-dimse.js';
import type { ServerConfig } from './config.js';
import { buildHttpApp } from './http-app.js';
import { oidcRouteDeps } from './oidc-relying-party.js';
import { lazyOcrTextFinder } from './masking-text-finder.js';
import { acquireServerLock } from './server-lock.js';
import { breakGlassServices, type BreakGlassServices } from './break-glass-services.js';
import { registerBreakGlassRoutes } from './routes/break-glass-routes.js';
import { SqliteBreakGlassStore } from '../storage/adapters/sqlite-break-glass-store.js';
import { ensureServerKeys, makePrivateFolder } from './server-keys.js';
import { SqliteRetentionStore } from '../storage/adapters/sqlite-retention-store.js';
import { SqliteExportJobStore } from '../storage/adapters/sqlite-export-job-store.js';
import { exportRecipientSetups } from '../gateway/export-recipient.js';
import { recoverExportJobs } from '../gateway/recover-export-jobs.js';
import { parseVerifierKey } from '../audit/note/verifier-key.js';
import { checkpointWitnessing } from '../audit/witness/checkpoint-witnessing.js';
import type { WitnessEndpoint } from '../audit/witness/witness-client.js';
import { retentionJob } from './retention-job.js';
import { indexAuditLog } from '../gateway/index-audit-log.js';
import { packageRoot } from '../package-root.js';

export interface RunningServer {
  /** The base URL the HTTP API answers on, e.g. http://127.0.0.1:8080. */
  readonly url: string;
  /** Stops accepting requests, finishes those in flight, signs a last checkpoint and closes the stores. */
  close(): Promise<void>;
}

export interface ServeOptions {
  readonly clock?: Clock;
  /** Where the start-up text and the bootstrap notice go (the terminal). */
  readonly out?: (text: string) => void;
  /** Where the structured log goes; standard output by default. */
  readonly logStream?: NodeJS.WritableStream;
  /**
   * Finds burned-in text in frames served masked, in place of the OCR of `masking.ocr` (which
   * starts with the first masked frame); the pixel rules apply either way.
   */
  readonly findTextRegions?: FindTextRegions;
}

export function serverDataFiles(dataDir: string): { accounts: string; audit: string; auditIndex: string; requests: string; breakGlass: string; retention: string; exports: string } {
  return {
    accounts: join(dataDir, 'accounts.sqlite'),
    audit: join(dataDir, 'audit.sqlite'),
    // Derived from audit.sqlite for the audit API's search; deleting it only costs a rebuild.
    auditIndex: join(dataDir, 'audit-index.sqlite'),
    requests: join(dataDir, 'requests.sqlite'),
    breakGlass: join(dataDir, 'break-glass.sqlite'),
    retention: join(dataDir, 'retention.sqlite'),
    exports: join(dataDir, 'exports.sqlite'),
  };
}

/**
 * Starts the server on `config.dataDir`, holding the folder's lock (server-lock.ts) from before
 * anything in it is opened until `close()` has closed everything.
 */
export async function startServer(config: ServerConfig, options: ServeOptions = {}): Promise<RunningServer> {
  makePrivateFolder(config.dataDir);
  const lock = acquireServerLock(config.dataDir);
  let running: RunningServer;
  try {
    running = await startLocked(config, options);
  } catch (error) {
    lock.release();
    throw error;
  }
  return {
    ...running,
    close: async () => {
      try {
        await running.close();
      } finally {
        lock.release();
      }
    },
  };
}

async function startLocked(config: ServerConfig, options: ServeOptions): Promise<RunningServer> {
  const clock = options.clock ?? systemClock;
  const out = options.out ?? ((text: string) => void process.stdout.write(text));
  makePrivateFolder(config.dataDir);
  const files = serverDataFiles(config.dataDir);
  const dependents = { accounts: existsSync(files.accounts), auditLog: existsSync(files.audit), index: gatewayIndexExists(config.dataDir), exports: existsSync(files.exports) };
  const keys = await ensureServerKeys(config.dataDir, { suite: config.crypto.suite, origin: config.audit.origin, dependents });
  for (const warning of keys.warnings) out(`warning: ${warning}\n`);
  const witnesses: WitnessEndpoint[] = config.audit.witnesses.map((witness) => ({ url: witness.url, verifier: parseVerifierKey(witness.key) }));
  // Read before any store opens: a bad recipe stops the start with nothing to close.
  const exportRecipients = exportRecipientSetups(config.exports.recipients, keys.exportKey);

  // An empty file is an empty SQLite database; made first so that SQLite gives its journal
  // files the same owner-only mode.
  if (!dependents.auditLog) closeSync(openSync(files.audit, 'a', 0o600));
  const accounts = new SqliteAccountStore(files.accounts);
  const auditStore = new SqliteAuditStore(files.audit);
  let log: AuditLog;
  let gateway: GatewayStores;
  try {
    log = await AuditLog.open({
      store: auditStore,
      origin: config.audit.origin,
      clock,
      signer: (body) => signNote(body, [...keys.auditSigners]),
      ...(witnesses.length === 0 ? {} : { witnessing: checkpointWitnessing(auditStore, witnesses) }),
    });
  } catch (error) {
    await auditStore.close();
    await accounts.close();
    throw error;
  }
  let requests: SqliteRequestStore;
  try {
    gateway = openGatewayStores(config.dataDir, { master: keys.master, suite: config.crypto.suite, maskedViewKey: keys.maskedView, clock });
  } catch (error) {
    await log.close();
    await accounts.close();
    throw error;
  }
  let breakGlassStore: SqliteBreakGlassStore | undefined;
  let breakGlass: BreakGlassServices;
  let retention: SqliteRetentionStore | undefined;
  let exportJobs: SqliteExportJobStore | undefined;
  let auditIndex: SqliteAuditEventIndex | undefined;
  try {
    requests = new SqliteRequestStore(files.requests);
  } catch (error) {
    await gateway.close();
    await log.close();
    await accounts.close();
    throw error;
  }
  try {
    retention = SqliteRetentionStore.open(files.retention, { dataDir: config.dataDir, clock, defaultLifetimeMs: config.retention.defaultHours * 3_600_000 });
    exportJobs = new SqliteExportJobStore(files.exports);
    auditIndex = new SqliteAuditEventIndex(files.auditIndex);
    breakGlassStore = SqliteBreakGlassStore.open(files.breakGlass);
    breakGlass = breakGlassServices({
      breakGlass: config.breakGlass,
      notifications: config.notifications,
      store: breakGlassStore,
      accounts,
      index: gateway.index,
      audit: log,
      clock,
      secrets: { master: keys.master, suite: config.crypto.suite },
      env: process.env,
      // Jobs run once the server listens, when `app` exists.
      onJobError: (error) => app.log.error({ err: error }, 'a break-glass job (escalation or notification delivery) failed'),
    });
  } catch (error) {
    await breakGlassStore?.close();
    await auditIndex?.close();
    await exportJobs?.close();
    await retention?.close();
    await requests.close();
    await gateway.close();
    await log.close();
    await accounts.close();
    throw error;
  }
  const ocr = options.findTextRegions !== undefined || config.masking.ocrLanguages.length === 0 ? undefined : lazyOcrTextFinder(config.masking.ocrLanguages);
  const findTextRegions = options.findTextRegions ?? ocr?.findTextRegions;
  // What STOW-RS and C-STORE, QIDO-RS and C-FIND, WADO and C-GET share: one index, one object store, one patient key.
  const gatewayDeps = {
    index: gateway.index,
    objects: gateway.objects,
    suite: config.crypto.suite,
    sensitivityRules: DEFAULT_SENSITIVITY_RULES,
    patientKey: keys.patientReference,
    maskedView: gateway.maskedView,
    masking: {
      mosaicBlockByLevel: config.masking.mosaicBlockByLevel,
      rules: config.masking.pixelRules,
      ...(findTextRegions === undefined ? {} : { findTextRegions }),
    },
    // Read for every decision, so a grant revoked a moment ago no longer counts.
    grants: storedGrants(requests),
    // Likewise the user's break-glass sessions, so one ended a moment ago no longer counts.
    breakGlass: breakGlass.source,
  };
  const limits = dicomwebLimits(config.dicomweb);
  const oidc = config.oidc;
  const app = buildHttpApp({
    accounts,
    audit: log,
    clock,
    sessions: {
      key: keys.session,
      issuer: config.audit.origin,
      lifetimeMs: config.sessions.lifetimeMinutes * 60_000,
      verificationKeys: { publicKey: (kid) => (kid === keys.session.kid ? keys.session.publicKey : undefined) },
    },
    secrets: { master: keys.master, suite: config.crypto.suite },
    corsOrigins: config.http.corsOrigins,
    consoleDir: join(packageRoot(), 'web', 'dist'),
    log: { level: config.log.level, ...(options.logStream === undefined ? {} : { stream: options.logStream }) },
    dicomweb: { ...gatewayDeps, limits },
    requests: { store: requests, policy: DEFAULT_REQUEST_POLICY, exportRecipients: [...exportRecipients.keys()] },
    // Export packages (docs/exports.md): each recipient's recipe with Clean Pixel Data, the
    // configured pixel rules and the OCR of masked views; pseudonyms and download links keyed
    // from keys/export.key.
    exports: {
      index: gateway.index, objects: gateway.objects, dataKeys: gateway.dataKeys, retention, retentionItems: retention, audit: log, clock, suite: config.crypto.suite,
      dataDir: config.dataDir, pixelRules: config.masking.pixelRules, ...(findTextRegions === undefined ? {} : { findTextRegions }),
      jobs: exportJobs, requests, actors: { accounts, grants: storedGrants(requests) },
      recipients: exportRecipients, exportKey: keys.exportKey,
    },
    auditTrail: {
      store: auditStore,
      index: auditIndex,
      origin: config.audit.origin,
      logKeys: keys.auditVerifierKeys,
      witnessKeys: [...new Set([...config.audit.witnessKeys, ...config.audit.witnesses.map((witness) => witness.key)])],
      // A receipt asked for an event no checkpoint covers yet: sign one now (and have it cosigned).
      checkpointNow: async () => {
        const checkpoint = await log.checkpoint();
        if (witnesses.length > 0) await log.witness(checkpoint);
      },
    },
    ...(oidc === undefined
      ? {}
      : // The warning is called during requests only, once `app` exists.
        { oidc: oidcRouteDeps(oidc, (message, error) => app.log.warn({ err: error instanceof Error ? error : new Error(String(error)) }, message)) }),
  });
  // Export packages, cached renders and temporary files that expired are destroyed here (docs/retention.md).
  const purgeJob = retentionJob({
    purge: { retention, dataDir: config.dataDir, objects: gateway.objects, dataKeys: gateway.dataKeys, audit: log },
    clock,
    onError: (error) => app.log.error({ err: error }, 'the purge of expired copies failed; the next run tries again'),
  });
  const { audit: _requestsOwnAppender, ...breakGlassRouteDeps } = breakGlass.deps;
  registerBreakGlassRoutes(app, breakGlassRouteDeps);
  let dimse: DimseServer | undefined;

  const close = async (): Promise<void> => {
    await breakGlass.jobs.stop();
    await purgeJob.stop();
    log.stopCheckpointing();
    await dimse?.close();
    await app.close();
    await log.checkpoint().catch((error: unknown) => app.log.error({ err: error }, 'the closing checkpoint could not be signed'));
    await log.close();
    await gateway.close();
    await requests.close();
    await breakGlassStore.close();
    await exportJobs.close();
    await auditIndex.close();
    await retention.close();
    await accounts.close();
    await ocr?.close();
  };

  try {
    const startEvents = keys.created.map((key) =>
      log.append({ type: 'key-change', outcome: 'success', actor: { user: 'medveil' }, detail: { action: 'create-key', key, ...(key === 'master' ? { keyId: keys.master.id } : key === 'session' ? { keyId: keys.session.kid } : {}) } }),
    );
    await Promise.all(startEvents);
    // Export jobs a stopped server left unfinished: nobody runs them now (recover-export-jobs.ts).
    const interrupted = await recoverExportJobs({ jobs: exportJobs, objects: gateway.objects, audit: log, clock, dataDir: config.dataDir });
    if (interrupted.length > 0) out(`ended ${interrupted.length} export job(s) the last run left unfinished; their requesters can start them again\n`);
    log.startCheckpointing(config.audit.checkpointMinutes * 60_000, (error) => app.log.error({ err: error }, 'checkpoint failed'));
    breakGlass.jobs.start(config.breakGlass.jobSeconds * 1000);
    purgeJob.start(config.retention.purgeSeconds * 1000);
    // The audit API's search index catches up with the log now rather than on the first search.
    indexAuditLog({ store: auditStore, index: auditIndex }).catch((error: unknown) => app.log.error({ err: error }, 'the audit search index could not be brought up to date; searches try again'));
    await app.listen({ host: config.http.host, port: config.http.port });
    dimse = await startDimse(
      config.dimse,
      { ...gatewayDeps, accounts, audit: log, clock, maxObjectBytes: limits.maxObjectBytes, maxRetrieveInstances: limits.maxRetrieveInstances, maxFindResults: limits.maxQidoResults },
      (message) => app.log.warn({ dimse: message }),
    );
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.http.port;
  const host = config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host;
  const url = `http://${host}:${port}`;
  out(`MedVeil listening on ${url} (data in ${config.dataDir}; config: ${config.source ?? 'embedded defaults'})\n`);
  out(`DIMSE listening on ${config.dimse.host}:${dimse!.port} as ${config.dimse.aeTitle} (${config.dimse.peers.length} peer AE titles configured)\n`);

  if ((await accounts.userCount()) === 0) {
    const now = clock.now();
    const { code, record } = createBootstrapCode({ now });
    await log.append({ type: 'key-change', outcome: 'success', actor: { user: 'medveil' }, detail: { action: 'issue-bootstrap-code', expiresAt: new Date(record.expiresAt).toISOString() } });
    await accounts.replaceBootstrapCode(record);
    out(bootstrapNotice({ code, url, expiresAt: record.expiresAt }));
  }
  return { url, close };
}

