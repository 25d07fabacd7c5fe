/**
 * The break-glass background job: escalate overdue reviews, then deliver the outbox. One run
 * at a time; `runNow` asks for a run as soon as the current one ends (a start's notifications
 * go out at once); a timer runs it every `intervalMs` as well, so a restart picks up whatever
 * the store holds. Time comes from the injected clock, never from the timer: a test calls
 * `run()` after moving its fake clock.
 */
import type { Clock } from '../audit/clock.js';
import { escalateOverdueBreakGlass } from '../gateway/escalate-break-glass.js';
import type { BreakGlassDeps } from '../gateway/break-glass-deps.js';
import { deliverDueNotifications, type DeliverNotificationsDeps } from '../notify/deliver-notifications.js';

export interface BreakGlassJobs {
  /** One run (escalation, then delivery); resolves when it is done. */
  run(): Promise<void>;
  /** Schedules a run without waiting for it. */
  runSoon(): void;
  /** Starts the timer (unref'd: it never keeps the process alive). */
  start(intervalMs: number): void;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

export interface BreakGlassJobDeps {
  readonly escalation: Pick<BreakGlassDeps, 'store' | 'accounts' | 'audit' | 'channels'>;
  readonly delivery: DeliverNotificationsDeps;
  readonly clock: Clock;
  /** Told of a run that threw (a store or audit failure); the next run tries again. */
  readonly onError: (error: unknown) => void;
}

export function breakGlassJobs(deps: BreakGlassJobDeps): BreakGlassJobs {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;

  async function once(): Promise<void> {
    await escalateOverdueBreakGlass(deps.escalation, deps.clock.now());
    await deliverDueNotifications(deps.delivery, deps.clock.now());
  }

  function run(): Promise<void> {
    if (running !== undefined) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await once();
        } catch (error) {
          deps.onError(error);
        }
      } while (again);
    })().finally(() => (running = undefined));
    return running;
  }

  return {
    run,
    runSoon: () => void run(),
    start(intervalMs) {
      if (timer !== undefined) return;
      timer = setInterval(() => void run(), intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
