/**
 * Copies that expire (issue 6, retention): export packages, cached renders and temporary files.
 * Each item names what must be destroyed when it expires: a file or folder inside the data
 * folder, and/or an encrypted object with the id of the data key it was sealed under (destroying
 * the key makes every copy of the object unreadable, a backup's included). The purge use case
 * (src/gateway/purge-expired.ts) destroys due items and marks them purged; the rows stay, so
 * what was purged and when can be shown later.
 *
 * Item paths are relative to the data folder, with "/" between parts. `retentionFilePath` is
 * the one check of a path, made when an item is added and again before anything is deleted:
 * nothing outside the data folder, and nothing of the server's own (keys, objects, databases).
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { MedVeilError } from '../errors.js';
import { isBlobKey, type BlobKey } from './blob-store.js';

export const RETENTION_KINDS = ['export-package', 'rendered-cache', 'temporary'] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];

/** 72 hours (issue 6: "every cached render, temporary file and export package carries an expiry"). */
export const DEFAULT_RETENTION_MS = 72 * 3_600_000;

export interface RetainedBlob {
  readonly key: BlobKey;
  /** The data key the object was sealed under (32 lowercase hex digits, src/storage/data-key-store.ts). */
  readonly dataKeyId: string;
}

export interface RetentionItem {
  /** 32 lowercase hex digits, random. */
  readonly id: string;
  readonly kind: RetentionKind;
  /** Relative to the data folder, "/" between parts (see retentionFilePath). */
  readonly file?: string;
  readonly blob?: RetainedBlob;
  /** Milliseconds since the Unix epoch, like the two below. */
  readonly createdAt: number;
  /** The item is due from this millisecond on (expiresAt <= now). */
  readonly expiresAt: number;
  readonly purgedAt?: number;
}

export interface NewRetentionItem {
  readonly kind: RetentionKind;
  /** A path inside the data folder, relative to it or absolute. */
  readonly file?: string;
  readonly blob?: RetainedBlob;
  /** Default: the store's lifetime (72 hours unless configured) after creation. */
  readonly expiresAt?: number;
}

export interface RetentionStore {
  /** Records a new item; refuses (MedVeilError('storage')) a hostile path, a bad key or an item naming nothing. */
  add(item: NewRetentionItem): Promise<RetentionItem>;
  get(id: string): Promise<RetentionItem | undefined>;
  /** Items not purged whose expiresAt <= now, earliest expiry first. */
  due(now: number): Promise<RetentionItem[]>;
  /** Marks items purged at `at`; items already purged keep their first time. */
  markPurged(ids: readonly string[], at: number): Promise<void>;
  close(): Promise<void>;
}

/** Top-level names in the data folder that hold the server's own state and are never an item's file. */
const RESERVED_TOP_LEVEL = /^(?:keys|objects|[^/]*\.sqlite(?:-wal|-shm|-journal)?)$/;

/**
 * `file` as a path relative to `dataDir` with "/" separators, or MedVeilError('storage') if it
 * would lead outside the data folder, is the data folder itself, or lies in its keys, objects
 * or databases. The refused path is not repeated in the message (it may come from anywhere).
 */
export function retentionFilePath(dataDir: string, file: string): string {
  const refuse = (why: string): never => {
    throw new MedVeilError('storage', `refusing a retention path that ${why}`, { hint: 'expiring copies live in a folder of their own inside the data folder' });
  };
  if (typeof file !== 'string' || file.length === 0 || file.length > 4096) refuse('is empty or too long');
  if (/[\u0000-\u001f\u007f]/.test(file)) refuse('holds control characters');
  const root = resolve(dataDir);
  const inside = relative(root, resolve(root, file));
  if (inside === '') refuse('is the data folder itself');
  if (isAbsolute(inside) || inside === '..' || inside.startsWith(`..${sep}`)) refuse('lies outside the data folder');
  const path = inside.split(sep).join('/');
  if (RESERVED_TOP_LEVEL.test(path.split('/')[0]!)) refuse("lies in the server's own keys, objects or databases");
  return path;
}

/** Checks an item before it is stored; returns its file path normalised. */
export function checkNewRetentionItem(dataDir: string, item: NewRetentionItem): string | undefined {
  if (!(RETENTION_KINDS as readonly string[]).includes(item.kind)) {
    throw new MedVeilError('storage', `a retention item's kind is one of ${RETENTION_KINDS.join(', ')}`);
  }
  if (item.file === undefined && item.blob === undefined) throw new MedVeilError('storage', 'a retention item names a file, an encrypted object or both');
  if (item.blob !== undefined) {
    if (!isBlobKey(item.blob.key)) throw new MedVeilError('storage', 'refusing a retention object key that is not of the form <namespace>/<hex id>');
    if (!/^[0-9a-f]{32}$/.test(item.blob.dataKeyId)) throw new MedVeilError('storage', 'a retention item names its data key by its id, 32 lowercase hex digits');
  }
  if (item.expiresAt !== undefined && !Number.isSafeInteger(item.expiresAt)) throw new MedVeilError('storage', 'a retention expiry is whole milliseconds since the epoch');
  return item.file === undefined ? undefined : retentionFilePath(dataDir, item.file);
}
