import { MedVeilError } from '../errors.js';
import { type Role, parseRole } from './role.js';

/**
 * Who asks, with the facts the decision needs about them. Built by `parseActor` at the edge, so
 * the decision never sees an unknown role (and still denies one, should a caller bypass it).
 */
export interface Actor {
  readonly userId: string;
  readonly roles: readonly Role[];
  /** Departments the person works in. */
  readonly departments: readonly string[];
  /** Departments the person directs; meaningful only with the `director` role. */
  readonly directorOf: readonly string[];
  /**
   * Patient references this person treats or reads for (set through the API). They count only
   * for a clinician or radiologist.
   */
  readonly careFor: readonly string[];
}

export interface ActorInput {
  userId: unknown;
  roles: unknown;
  departments?: unknown;
  directorOf?: unknown;
  careFor?: unknown;
}

function fail(message: string): MedVeilError {
  return new MedVeilError('access', `actor: ${message}`, { hint: 'fix the account record; a user with a malformed record gets no access' });
}

function identifiers(value: unknown, field: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw fail(`${field} is a list of identifiers`);
  return value.map((item, index) => {
    if (typeof item !== 'string' || item.trim() === '' || item.trim() !== item) {
      throw fail(`${field}[${index}] is not a non-empty identifier without surrounding spaces`);
    }
    return item;
  });
}

/**
 * Validates an actor read from outside. Every role must be known (`parseRole`); a director
 * must name the department they direct, and only a director may name one, since "director"
 * alone would say nothing about whose requests they approve.
 */
export function parseActor(input: ActorInput): Actor {
  if (typeof input.userId !== 'string' || input.userId.trim() === '') throw fail('userId is required');
  if (!Array.isArray(input.roles)) throw fail('roles is a list of role names');
  const roles = [...new Set(input.roles.map((role) => parseRole(role)))];
  const departments = identifiers(input.departments, 'departments');
  const directorOf = identifiers(input.directorOf, 'directorOf');
  const careFor = identifiers(input.careFor, 'careFor');
  const isDirector = roles.includes('director');
  if (isDirector && directorOf.length === 0) throw fail('a director directs at least one department (directorOf)');
  if (!isDirector && directorOf.length > 0) throw fail('directorOf is given but the user is not a director');
  return { userId: input.userId, roles, departments, directorOf, careFor };
}
