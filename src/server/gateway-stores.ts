/**
 * The gateway's stores, opened once by `medveil serve` and shared by every protocol: the study
 * index, the encrypted object store (objects in `<dataDir>/objects/`, their data keys in
 * `data-keys.sqlite`) and the masked view. STOW-RS and C-STORE must see the same index and the
 * same patient reference key, or they would disagree about which patient a study belongs to.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadRecipeFile } from '../deid/load-recipe.js';
import { createPseudonymizer } from '../deid/pseudonym/index.js';
import type { CryptoSuite } from '../crypto/suite.js';
import type { MasterKey } from '../crypto/master-key-file.js';
import type { MaskedView } from '../gateway/retrieve-instance.js';
import { packageRoot } from '../package-root.js';
import { FsBlobStore } from '../storage/adapters/fs-blob-store.js';
import { SqliteDataKeyStore } from '../storage/adapters/sqlite-data-key-store.js';
import { SqliteIndexStore } from '../storage/adapters/sqlite-index-store.js';
import { EncryptedBlobStore } from '../storage/encrypted-blob-store.js';
import type { Clock } from '../audit/clock.js';

export interface GatewayStoreFiles {
  readonly index: string;
  readonly dataKeys: string;
  readonly objects: string;
}

export function gatewayStoreFiles(dataDir: string): GatewayStoreFiles {
  return { index: join(dataDir, 'index.sqlite'), dataKeys: join(dataDir, 'data-keys.sqlite'), objects: join(dataDir, 'objects') };
}

/** Whether the index exists: then the patient reference key may no longer be created anew. */
export function gatewayIndexExists(dataDir: string): boolean {
  return existsSync(gatewayStoreFiles(dataDir).index);
}

export interface GatewayStores {
  readonly index: SqliteIndexStore;
  readonly objects: EncryptedBlobStore;
  /** The data keys under `objects`, for the purge to destroy one by id (src/gateway/purge-expired.ts). */
  readonly dataKeys: SqliteDataKeyStore;
  readonly maskedView: MaskedView;
  close(): Promise<void>;
}

export function openGatewayStores(
  dataDir: string,
  options: { readonly master: MasterKey; readonly suite: CryptoSuite; readonly maskedViewKey: Uint8Array; readonly clock: Clock },
): GatewayStores {
  const files = gatewayStoreFiles(dataDir);
  // Ingest indexes on the writer thread, so a commit's fsync does not hold up the event loop (docs/storage.md).
  const index = new SqliteIndexStore(files.index, { putIn: 'worker' });
  let keys: SqliteDataKeyStore;
  try {
    keys = new SqliteDataKeyStore(files.dataKeys, { now: () => options.clock.now() });
  } catch (error) {
    index.close();
    throw error;
  }
  const objects = new EncryptedBlobStore({ blobs: new FsBlobStore(files.objects), keys, master: options.master, suite: options.suite });
  const maskedView: MaskedView = {
    recipe: loadRecipeFile(join(packageRoot(), 'recipes', 'masked-view.yaml')),
    pseudonymizer: createPseudonymizer(options.maskedViewKey),
  };
  return {
    index,
    objects,
    dataKeys: keys,
    maskedView,
    close: async () => {
      index.close();
      await keys.close();
    },
  };
}
