/** The time source of the audit core: milliseconds since the Unix epoch, UTC. Injected so tests can set it. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
