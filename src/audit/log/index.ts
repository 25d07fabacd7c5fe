export {
  AuditLog,
  type AuditLogOptions,
  type CheckpointSigner,
  type CheckpointWitnessing,
  type InclusionProofResult,
  type WitnessingOutcome,
} from './audit-log.js';
export { verifyLog, type LogProblem, type LogProblemKind, type LogVerification, type VerifyLogOptions } from './verify-log.js';
