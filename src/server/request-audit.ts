import type { AuditActor, AuditEventInput, AuditEventType } from '../audit/event/audit-event.js';
import { auditActorOf } from '../gateway/audit-actor.js';
import type { Principal } from './route-access.js';

/** What the HTTP layer knows of a request once its answer is ready. */
export interface AnsweredRequest {
  readonly method: string;
  /** The route pattern that matched (`/api/users/:name`), or undefined for an unknown route. */
  readonly route: string | undefined;
  /** The path asked for (attacker-controlled), recorded only for unknown routes. */
  readonly path: string;
  readonly status: number;
  readonly principal: Principal;
  readonly address: string;
  readonly requestId: string;
  /** Set when the request was refused for who asked or what they asked for: a `deny` event. */
  readonly denied: boolean;
  readonly reason?: string | undefined;
  /** The event type of the route when the request was not denied (default `query`). */
  readonly auditType?: AuditEventType | undefined;
}

export function principalActor(principal: Principal, address: string): AuditActor {
  const actor: AuditActor =
    principal.kind === 'session' ? auditActorOf(principal.user) : principal.kind === 'api-token' ? { ...auditActorOf(principal.owner), user: `api-token:${principal.token.id}` } : { user: 'anonymous' };
  return { ...actor, address };
}

// Audit text is printable and bounded (validate-audit-event.ts); a path is outside input.
function printablePath(path: string): string {
  const withoutQuery = path.split('?')[0] ?? '';
  const printable = withoutQuery.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return printable.length > 256 ? `${printable.slice(0, 253)}...` : printable || '/';
}

/**
 * The event every request leaves in the audit log when no use case recorded one for it
 * (issue 4: every request, allowed or refused). A refusal is a `deny` whose outcome is
 * `success` (the refusal worked, audit-event.ts); any other answer takes the route's type, with
 * the outcome of its status.
 */
export function requestAuditEvent(request: AnsweredRequest): AuditEventInput {
  const type: AuditEventType = request.denied ? 'deny' : (request.auditType ?? 'query');
  const outcome = request.denied || request.status < 400 ? 'success' : request.status < 500 ? 'minor-failure' : 'serious-failure';
  return {
    type,
    outcome,
    actor: principalActor(request.principal, request.address),
    detail: {
      method: request.method,
      route: request.route ?? 'unmatched',
      ...(request.route === undefined ? { path: printablePath(request.path) } : {}),
      status: String(request.status),
      ...(request.reason === undefined ? {} : { reason: request.reason }),
      request: request.requestId,
    },
  };
}
