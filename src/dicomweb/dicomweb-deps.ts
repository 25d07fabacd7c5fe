/**
 * What the DICOMweb routes need from the composition root (src/server): the gateway's stores
 * and keys, and the limits of this deployment. The account store and the clock come with the
 * HTTP app.
 */
import type { SensitivityRules } from '../access/sensitivity-rules.js';
import type { Clock } from '../audit/clock.js';
import type { CryptoSuite } from '../crypto/suite.js';
import type { GrantSource } from '../gateway/actor-for-user.js';
import type { BreakGlassSource } from '../gateway/break-glass-source.js';
import type { PixelMasking } from '../gateway/mask-instance-pixels.js';
import type { MaskedView } from '../gateway/retrieve-instance.js';
import type { AccountStore } from '../storage/account-store.js';
import type { EncryptedBlobStore } from '../storage/encrypted-blob-store.js';
import type { IndexStore } from '../storage/index-store.js';

export interface DicomwebLimits {
  /** The largest DICOM object one STOW-RS part may carry, in bytes. */
  readonly maxObjectBytes: number;
  /** The most parts (instances) in one STOW-RS request. */
  readonly maxStowParts: number;
  /** The largest STOW-RS request body, in bytes. */
  readonly maxStowBytes: number;
  /** The most matches one QIDO-RS response holds (PS3.18 8.3.4.4.1: the archive's own maximum). */
  readonly maxQidoResults: number;
  /** The most instances one study or series retrieve (WADO-RS) serves. */
  readonly maxRetrieveInstances: number;
}

/** The defaults of the server config (src/server/config.ts), in bytes. */
export const DEFAULT_DICOMWEB_LIMITS: DicomwebLimits = {
  maxObjectBytes: 512 * 1024 * 1024,
  maxStowParts: 1000,
  maxStowBytes: 2048 * 1024 * 1024,
  maxQidoResults: 1000,
  maxRetrieveInstances: 10_000,
};

export interface DicomwebDeps {
  readonly index: IndexStore;
  readonly objects: Pick<EncryptedBlobStore, 'get' | 'open' | 'put' | 'delete'>;
  readonly suite: CryptoSuite;
  readonly sensitivityRules: SensitivityRules;
  /** The key of pseudonymous patient references (src/access/patient-reference.ts). */
  readonly patientKey: Uint8Array;
  readonly maskedView: MaskedView;
  /** How masked pixels are made (server config `masking`); the defaults of mask-instance-pixels.ts when absent. */
  readonly masking?: PixelMasking;
  readonly grants: GrantSource;
  /** Break-glass sessions (gateway/break-glass-source.ts); none when absent. */
  readonly breakGlass?: BreakGlassSource;
  readonly limits: DicomwebLimits;
}

/** `DicomwebDeps` with what the HTTP app already has. */
export interface DicomwebRouteDeps extends DicomwebDeps {
  readonly accounts: Pick<AccountStore, 'findUser' | 'carePatientRefs'>;
  readonly clock: Clock;
}

/** The limits as the server config spells them (`dicomweb:` in docs/dicomweb.md), in bytes where they are sizes. */
export function dicomwebLimits(config: {
  readonly maxObjectMegabytes: number;
  readonly maxStowParts: number;
  readonly maxStowMegabytes: number;
  readonly maxQidoResults: number;
  readonly maxRetrieveInstances: number;
}): DicomwebLimits {
  const mebibyte = 1024 * 1024;
  return {
    maxObjectBytes: config.maxObjectMegabytes * mebibyte,
    maxStowParts: config.maxStowParts,
    maxStowBytes: config.maxStowMegabytes * mebibyte,
    maxQidoResults: config.maxQidoResults,
    maxRetrieveInstances: config.maxRetrieveInstances,
  };
}
