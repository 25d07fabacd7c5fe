/**
 * The purge (issue 6, retention; ARCHITECTURE.md flow 4, "available for 72 h -> purged"): every
 * retention item due at `now` (expiresAt <= now, not purged) is destroyed, then recorded.
 *
 * For each item: its file or folder is removed (one already gone counts as removed), its
 * encrypted object deleted, and its data key destroyed. Destroying the key is what makes the
 * purge final: a copy of the object left on a backup or a disk block can no longer be opened
 * (crypto-shredding, docs/storage.md). Then one `purge` event names what was destroyed (item
 * ids, kinds, object keys, data key ids; never a path, which an operator may have named, and
 * never PHI), and only once it is durable are the items marked purged. If the audit log refuses
 * it, nothing is marked and the next run destroys (again, harmlessly) and records them.
 *
 * An audit detail member holds at most 1024 characters (validate-audit-event.ts), so a run with
 * more items than fit in one event records them in as many events as needed, each followed by
 * the marking of its own items.
 *
 * An item whose destruction fails (a file that cannot be removed, a key store busy) is left
 * unmarked for the next run and reported in `failed`; the others go ahead.
 */
import { lstat, realpath, rm } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep, isAbsolute } from 'node:path';
import type { AuditEventInput } from '../audit/event/audit-event.js';
import { MedVeilError } from '../errors.js';
import type { BlobKey } from '../storage/blob-store.js';
import type { DataKeyStore } from '../storage/data-key-store.js';
import { retentionFilePath, type RetentionItem, type RetentionKind, type RetentionStore } from '../storage/retention-store.js';
import type { AuditAppender } from './audit-actor.js';

export interface PurgeExpiredDeps {
  readonly retention: Pick<RetentionStore, 'due' | 'markPurged'>;
  /** The data folder every item's file lies in. */
  readonly dataDir: string;
  /** The encrypted object store (EncryptedBlobStore) or the plain one under it: deleting needs no key. */
  readonly objects: { delete(key: BlobKey): Promise<boolean> };
  readonly dataKeys: Pick<DataKeyStore, 'destroy'>;
  readonly audit: AuditAppender;
}

export interface PurgedItem {
  readonly id: string;
  readonly kind: RetentionKind;
  readonly blobKey?: BlobKey;
  readonly dataKeyId?: string;
  /** Whether the item named a file or folder (removed now, or gone before). */
  readonly file: boolean;
}

export interface PurgeReport {
  readonly purged: readonly PurgedItem[];
  /** Items left for the next run, with why (the message names item ids and object keys only). */
  readonly failed: readonly { readonly id: string; readonly kind: RetentionKind; readonly reason: string }[];
  /** Indices of the `purge` events appended. */
  readonly events: readonly number[];
}

export interface PurgeOptions {
  /** Who asked: the server's timer or `medveil purge`; recorded in the event. */
  readonly trigger: 'job' | 'cli';
}

const MAX_DETAIL_CHARS = 1024;

/** Destroys and records every item due at `now`. Rejects (MedVeilError('audit')) when the audit log refuses an event. */
export async function purgeExpired(deps: PurgeExpiredDeps, now: number, options: PurgeOptions): Promise<PurgeReport> {
  const due = await deps.retention.due(now);
  const destroyed: PurgedItem[] = [];
  const failed: { id: string; kind: RetentionKind; reason: string }[] = [];
  for (const item of due) {
    try {
      destroyed.push(await destroyItem(deps, item));
    } catch (error) {
      failed.push({ id: item.id, kind: item.kind, reason: error instanceof MedVeilError ? error.message : `${(error as NodeJS.ErrnoException).code ?? 'error'} while removing it` });
    }
  }
  const events: number[] = [];
  const purged: PurgedItem[] = [];
  for (const batch of eventBatches(destroyed)) {
    let index: number;
    try {
      ({ index } = await deps.audit.append(purgeEvent(batch, options)));
    } catch (cause) {
      throw new MedVeilError('audit', `the purge of ${batch.length} item(s) could not be recorded; they stay due and the next run destroys and records them`, {
        cause,
        hint: 'check the audit log; `medveil purge` runs the purge again',
      });
    }
    events.push(index);
    await deps.retention.markPurged(
      batch.map((item) => item.id),
      now,
    );
    purged.push(...batch);
  }
  return { purged, failed, events };
}

async function destroyItem(deps: PurgeExpiredDeps, item: RetentionItem): Promise<PurgedItem> {
  if (item.file !== undefined) await removeInside(deps.dataDir, item.file);
  if (item.blob !== undefined) {
    await deps.objects.delete(item.blob.key);
    // False when it was destroyed before (an earlier run whose event failed): it is gone either way.
    await deps.dataKeys.destroy(item.blob.dataKeyId);
  }
  return {
    id: item.id,
    kind: item.kind,
    file: item.file !== undefined,
    ...(item.blob === undefined ? {} : { blobKey: item.blob.key, dataKeyId: item.blob.dataKeyId }),
  };
}

/**
 * Removes `file` (a file, a folder with what it holds, or a symbolic link itself) if it is
 * still inside the data folder once links in its parent folders are followed; gone is fine.
 * The path was checked when the item was stored and is checked again here, since the database
 * could have been edited since.
 */
async function removeInside(dataDir: string, file: string): Promise<void> {
  const path = join(resolve(dataDir), retentionFilePath(dataDir, file));
  let parent: string;
  let root: string;
  try {
    await lstat(path);
    [parent, root] = await Promise.all([realpath(dirname(path)), realpath(dataDir)]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const inside = relative(root, parent);
  if (isAbsolute(inside) || inside === '..' || inside.startsWith(`..${sep}`)) {
    throw new MedVeilError('storage', 'refusing to remove a retention file whose folder is a link leading out of the data folder', {
      hint: 'remove the link; expiring copies live in a folder of their own inside the data folder',
    });
  }
  await rm(path, { recursive: true, force: true });
}

function detailOf(batch: readonly PurgedItem[]): Record<string, string> {
  const keys = [...new Set(batch.flatMap((item) => (item.dataKeyId === undefined ? [] : [item.dataKeyId])))];
  const objects = batch.flatMap((item) => (item.blobKey === undefined ? [] : [item.blobKey]));
  return {
    count: String(batch.length),
    items: batch.map((item) => `${item.id}:${item.kind}`).join(' '),
    ...(objects.length === 0 ? {} : { objects: objects.join(' ') }),
    ...(keys.length === 0 ? {} : { dataKeys: keys.join(' ') }),
    files: String(batch.filter((item) => item.file).length),
  };
}

function fits(batch: readonly PurgedItem[]): boolean {
  return Object.values(detailOf(batch)).every((value) => value.length <= MAX_DETAIL_CHARS);
}

/** The items in runs that each fit in one event's detail. */
function eventBatches(items: readonly PurgedItem[]): PurgedItem[][] {
  const batches: PurgedItem[][] = [];
  let current: PurgedItem[] = [];
  for (const item of items) {
    if (current.length > 0 && !fits([...current, item])) {
      batches.push(current);
      current = [];
    }
    current.push(item);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

function purgeEvent(batch: readonly PurgedItem[], options: PurgeOptions): AuditEventInput {
  return { type: 'purge', outcome: 'success', actor: { user: 'medveil' }, detail: { ...detailOf(batch), trigger: options.trigger } };
}
