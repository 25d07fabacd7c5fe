/**
 * Why a step of the request flow did nothing. Each reason has one sentence; the HTTP layer
 * gives each a status (src/server/routes/request-routes.ts) and docs/requests.md lists them.
 */
export const REQUEST_REFUSALS = {
  'invalid-request': 'the request is malformed (kind, scope, purpose, justification or duration)',
  'duration-too-long': 'the duration is above the longest this site allows',
  'scope-empty': 'the scope names no study the requester can see',
  'scope-unknown-study': 'a study in scope does not exist or is not visible to the requester',
  'scope-too-large': 'the scope covers more studies than one request may',
  'scope-without-department': 'a study in scope belongs to no department, so no director can approve it',
  'unknown-request': 'no such request, or not one this person may see or act on',
  'not-an-approver': 'only a data security officer or a director of a department in scope approves or rejects',
  'not-dso': 'only a data security officer revokes',
  'self-approval': 'the requester never approves or rejects their own request',
  'already-approved': 'this person has approved already; one person counts once, whatever roles they hold',
  'approval-role-ambiguous': 'the person is both a DSO and a director in scope: say which role they approve as',
  'nothing-left-to-approve': 'every approval this person could give has been given by someone else',
  'request-rejected': 'the request was rejected; a rejection ends it',
  'request-granted': 'the request was granted already',
  'request-revoked': 'the request or its grant was revoked',
  'invalid-revoke-reason': 'the revocation reason is not one of the fixed list',
  'invalid-reject-reason': 'a rejection needs a reason of 1 to 500 printable characters',
  'totp-required': 'approving, rejecting and revoking need a fresh code from the authenticator app',
  'totp-invalid': 'the code is wrong, expired, or already used',
  'not-the-requester': 'only the requester changes their request',
} as const;

export type RequestRefusalReason = keyof typeof REQUEST_REFUSALS;

export interface RequestRefusal {
  readonly outcome: 'refused';
  readonly reason: RequestRefusalReason;
  readonly message: string;
}

export function requestRefusal(reason: RequestRefusalReason, message: string = REQUEST_REFUSALS[reason]): RequestRefusal {
  return { outcome: 'refused', reason, message };
}

export function isRequestRefusal(value: unknown): value is RequestRefusal {
  return typeof value === 'object' && value !== null && (value as { outcome?: unknown }).outcome === 'refused';
}
