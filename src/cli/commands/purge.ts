/**
 * `medveil purge [--dry-run] [--data <dir>] [--config <file>]`: destroys the expiring copies
 * (export packages, cached renders, temporary files) whose time is up, as the server's purge job
 * does (docs/retention.md), or with --dry-run lists them and changes nothing. The purge event
 * goes into the data folder's own audit log, so `medveil audit verify` covers it.
 *
 * The data folder is --data, else the `dataDir` of the config file (--config or MEDVEIL_CONFIG),
 * else ./medveil-data, as for `medveil serve`.
 *
 * Purge (without --dry-run) is refused while the server runs (server-lock.ts): the server's
 * AuditLog keeps the log's end in memory, and an event appended by another process would make
 * its next append fail and the log refuse every later one until a restart. While the server
 * runs, its own purge job does the same work every `retention.purgeSeconds`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { systemClock } from '../../audit/clock.js';
import { AuditLog } from '../../audit/log/audit-log.js';
import { MedVeilError } from '../../errors.js';
import { purgeExpired } from '../../gateway/purge-expired.js';
import { FsBlobStore } from '../../storage/adapters/fs-blob-store.js';
import { SqliteDataKeyStore } from '../../storage/adapters/sqlite-data-key-store.js';
import { SqliteRetentionStore } from '../../storage/adapters/sqlite-retention-store.js';
import type { RetentionItem } from '../../storage/retention-store.js';
import { CONFIG_ENV_VAR, loadServerConfig } from '../../server/config.js';
import { gatewayStoreFiles } from '../../server/gateway-stores.js';
import { refuseWhileServed } from '../../server/server-lock.js';
import { openExistingAuditStore } from '../audit/open-audit-store.js';

const out = (text: string): void => void process.stdout.write(text);

interface PurgeCommandOptions {
  dryRun?: boolean;
  data?: string;
  config?: string;
}

export function registerPurge(program: Command): void {
  program
    .command('purge')
    .description('destroy expired export packages, cached renders and temporary files (and their data keys), recording a purge event; with the server stopped')
    .option('--dry-run', 'list what would be destroyed, and change nothing')
    .option('--data <dir>', 'the data folder of the MedVeil server (default: dataDir of the config file, else ./medveil-data)')
    .option('--config <file>', `the server's config file (default: $${CONFIG_ENV_VAR}), read for dataDir`)
    .action(async (options: PurgeCommandOptions) => {
      const dataDir = options.data ?? loadServerConfig({ path: options.config, env: process.env }).dataDir;
      if (!existsSync(dataDir)) {
        throw new MedVeilError('usage', `no MedVeil data folder at ${dataDir}`, { hint: 'pass --data <the data folder of `medveil serve`>' });
      }
      const retentionFile = join(dataDir, 'retention.sqlite');
      if (!existsSync(retentionFile)) {
        out('nothing to purge: this data folder has recorded no expiring copies\n');
        return;
      }
      // A purge appends to the audit log, which a running server owns; a dry run only reads.
      if (options.dryRun !== true) refuseWhileServed(dataDir, 'medveil purge');
      const now = systemClock.now();
      const retention = SqliteRetentionStore.open(retentionFile, { dataDir, clock: systemClock });
      try {
        if (options.dryRun === true) {
          const due = await retention.due(now);
          for (const item of due) out(describe(item));
          out(`${due.length} item(s) would be purged (dry run: nothing was changed)\n`);
          return;
        }
        await purgeNow(dataDir, retention, now);
      } finally {
        await retention.close();
      }
    });
}

async function purgeNow(dataDir: string, retention: SqliteRetentionStore, now: number): Promise<void> {
  const auditFile = join(dataDir, 'audit.sqlite');
  if (!existsSync(auditFile)) {
    throw new MedVeilError('usage', `no audit log in ${dataDir}, so a purge could not be recorded`, { hint: 'pass --data <the data folder of `medveil serve`>, or run with --dry-run' });
  }
  const store = openExistingAuditStore(auditFile);
  const origin = await store.readOrigin();
  if (origin === undefined) {
    await store.close();
    throw new MedVeilError('usage', `the audit log in ${dataDir} was never opened by the server`, { hint: 'start `medveil serve` once on this data folder' });
  }
  const log = await AuditLog.open({ store, origin, clock: systemClock });
  const files = gatewayStoreFiles(dataDir);
  const dataKeys = new SqliteDataKeyStore(files.dataKeys);
  try {
    const report = await purgeExpired({ retention, dataDir, objects: new FsBlobStore(files.objects), dataKeys, audit: log }, now, { trigger: 'cli' });
    for (const item of report.purged) out(`purged ${item.id} ${item.kind}${item.dataKeyId === undefined ? '' : ` (data key ${item.dataKeyId} destroyed)`}\n`);
    for (const item of report.failed) out(`LEFT ${item.id} ${item.kind}: ${item.reason}\n`);
    out(`${report.purged.length} item(s) purged${report.events.length === 0 ? '' : `, recorded as audit event(s) ${report.events.join(', ')}`}\n`);
    if (report.failed.length > 0) process.exitCode = 1;
  } finally {
    await dataKeys.close();
    await log.close();
  }
}

function describe(item: RetentionItem): string {
  const what = [item.file === undefined ? undefined : `file ${item.file}`, item.blob === undefined ? undefined : `object ${item.blob.key}, data key ${item.blob.dataKeyId}`].filter((part) => part !== undefined).join('; ');
  return `${item.id} ${item.kind} expired ${new Date(item.expiresAt).toISOString()}: ${what}\n`;
}
