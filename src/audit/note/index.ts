export { formatCheckpoint, parseCheckpoint, type Checkpoint } from './checkpoint.js';
export { cosign, cosignatureTimestamp, verifyCosignature } from './cosignature.js';
export { cosignatureMessage } from './cosignature-message.js';
export {
  formatPublicKeyFile,
  formatSecretKeyFile,
  generateLogKeys,
  generateWitnessKeys,
  parseSecretKeyFile,
  parseVerifierKeys,
  type LogKeys,
} from './log-keys.js';
export { isValidKeyName, noteKeyId, signatureTypes, type NoteKeyKind, type NoteSigner, type NoteVerifier } from './note-key.js';
export { openNote, type OpenedNote } from './open-note.js';
export { parseNote, type NoteSignature, type ParsedNote } from './parse-note.js';
export { signNote, signatureLine } from './sign-note.js';
export { formatSignerKey, generateSignerKey, parseSignerKey, verifierKeyOfSigner } from './signer-key.js';
export { decodeBase64Strict, encodeBase64 } from './strict-base64.js';
export { formatVerifierKey, parseVerifierKey } from './verifier-key.js';
