/**
 * Reads stored tree hashes by their storage index (`storedHashIndex`). Implemented by the audit
 * store; a pure function like `inclusionProof` asks for all the hashes it needs in one call.
 * Must return exactly one 32-byte hash per index, in the order asked.
 */
export interface HashReader {
  readHashes(indexes: number[]): Promise<Uint8Array[]> | Uint8Array[];
}
