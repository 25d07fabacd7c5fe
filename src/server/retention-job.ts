/**
 * The purge job of `medveil serve` (docs/retention.md): runs `purgeExpired` at start-up and then
 * every `intervalMs`, one run at a time. Time comes from the injected clock, never from the
 * timer: a test calls `run()` after moving its fake clock. What is due lives in the retention
 * store, so a restart loses nothing: the first run after it purges whatever expired meanwhile.
 */
import type { Clock } from '../audit/clock.js';
import { purgeExpired, type PurgeExpiredDeps, type PurgeReport } from '../gateway/purge-expired.js';

export interface RetentionJob {
  /** One run; resolves with its report, or undefined when it failed (told to onError). */
  run(): Promise<PurgeReport | undefined>;
  /** Runs once now, then every `intervalMs` (unref'd: the timer never keeps the process alive). */
  start(intervalMs: number): void;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

export interface RetentionJobDeps {
  readonly purge: PurgeExpiredDeps;
  readonly clock: Clock;
  /** Told of a run that threw (the audit log refused its event), or of items left for the next run. */
  readonly onError: (error: unknown) => void;
}

export function retentionJob(deps: RetentionJobDeps): RetentionJob {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<PurgeReport | undefined> | undefined;

  function run(): Promise<PurgeReport | undefined> {
    running ??= (async () => {
      try {
        const report = await purgeExpired(deps.purge, deps.clock.now(), { trigger: 'job' });
        if (report.failed.length > 0) {
          deps.onError(new Error(`the purge left ${report.failed.length} item(s) for the next run: ${report.failed.map((item) => `${item.id} (${item.reason})`).join('; ')}`));
        }
        return report;
      } catch (error) {
        deps.onError(error);
        return undefined;
      }
    })().finally(() => (running = undefined));
    return running;
  }

  return {
    run,
    start(intervalMs) {
      if (timer !== undefined) return;
      void run();
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
