import { createHash, hash as oneShotHash } from 'node:crypto';

/*
 * RFC 6962 2.1 leaf and node hashes (as in ../merkle/hash.ts), returned as 32-character
 * latin1 strings, one character per byte. A string costs the engine far less than a Buffer:
 * measured on Node 20, a leaf hash takes 0.42 µs instead of 0.93 µs and a node hash 0.36 µs
 * instead of 0.75 µs, and the garbage collector has no backing stores to free — which counts
 * when `verifyLog` computes two million of them.
 */

// 'binary' is Node's name for latin1. `crypto.hash` is Node 20.12+; before it, the Hash object does the same, more slowly.
const sha256Latin1: (data: Uint8Array) => string =
  typeof oneShotHash === 'function' ? (data) => oneShotHash('sha256', data, 'binary') : (data) => createHash('sha256').update(data).digest('binary');

let leafInput = Buffer.alloc(1024);
const nodeInput = Buffer.alloc(65, 0x01);

/** SHA-256(0x00 || data) as latin1. */
export function leafHashLatin1(data: Uint8Array): string {
  if (leafInput.length < data.length + 1) leafInput = Buffer.alloc(Math.max(data.length + 1, leafInput.length * 2));
  leafInput[0] = 0x00;
  leafInput.set(data, 1);
  return sha256Latin1(leafInput.subarray(0, data.length + 1));
}

/** SHA-256(0x01 || left || right) as latin1, from two such hashes. */
export function nodeHashLatin1(left: string, right: string): string {
  nodeInput.write(left, 1, 32, 'latin1');
  nodeInput.write(right, 33, 32, 'latin1');
  return sha256Latin1(nodeInput);
}
