export { CompactRange } from './compact-range.js';
export { consistencyProof } from './consistency-proof.js';
export { EMPTY_ROOT, HASH_SIZE, leafHash, nodeHash } from './hash.js';
export type { HashReader } from './hash-reader.js';
export { inclusionProof } from './inclusion-proof.js';
export { storedHashCount, storedHashIndex } from './stored-hash-index.js';
export { treeRoot } from './tree-root.js';
export {
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
  verifySubtreeConsistency,
  verifySubtreeInclusion,
  type SubtreeRange,
  type TreeCount,
} from './verify.js';
