/**
 * The message an Ed25519 cosignature signs (c2sp.org/tlog-cosignature, "Ed25519 signed message"):
 * `cosignature/v1\n`, `time <POSIX seconds>\n`, then the checkpoint note text including its
 * final newline and any extension lines.
 */
export function cosignatureMessage(checkpointText: Uint8Array, timestamp: bigint): Uint8Array {
  const header = Buffer.from(`cosignature/v1\ntime ${timestamp.toString()}\n`, 'utf8');
  return new Uint8Array(Buffer.concat([header, checkpointText]));
}
