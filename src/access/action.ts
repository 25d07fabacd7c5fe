/** What an actor wants to do with a study: find it, look at it, or take a copy away. */
export const ACTIONS = ['query', 'view', 'export'] as const;

export type Action = (typeof ACTIONS)[number];

/** An action as the protocol adapters hand it over: a route they cannot map is `unknown`. */
export type RequestedAction = Action | 'unknown';

const ACTION_SET: ReadonlySet<string> = new Set(ACTIONS);

export function isAction(value: unknown): value is Action {
  return typeof value === 'string' && ACTION_SET.has(value);
}

/**
 * Maps a name from outside to an action. Anything else is `unknown`, not an error, so that the
 * request is still decided (denied) and audited like every other.
 */
export function parseAction(value: unknown): RequestedAction {
  return isAction(value) ? value : 'unknown';
}
