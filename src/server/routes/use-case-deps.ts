import type { FastifyRequest } from 'fastify';
import type { EnrolTotpDeps } from '../../gateway/enrol-totp.js';
import type { RouteDeps } from '../http-app.js';

/** The account use cases' dependencies for one request: its audit appender, the app's stores and keys. */
export function useCaseDeps(deps: RouteDeps, request: FastifyRequest): EnrolTotpDeps {
  return {
    accounts: deps.accounts,
    audit: request.medveil.audit,
    clock: deps.clock,
    sessions: deps.sessions,
    secrets: deps.secrets,
    ...(deps.passwordHashing === undefined ? {} : { passwordHashing: deps.passwordHashing }),
    ...(deps.passwordContextWords === undefined ? {} : { passwordContextWords: deps.passwordContextWords }),
  };
}
