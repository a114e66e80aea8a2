import type { Logger } from 'pino';

export interface PeriodicTask {
  /** Runs the task now (after the current run, if one is in progress) and resolves when done. */
  runNow(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs `task` every `everyMs`, never two runs at once. A failing run is logged (once per
 * streak of failures, then again when it recovers) and retried at the next tick.
 */
export function every(name: string, everyMs: number, task: () => Promise<unknown>, logger: Logger): PeriodicTask {
  let running: Promise<void> | null = null;
  let stopped = false;
  let failing = false;
  const run = (): Promise<void> => {
    if (running) return running.then(() => run());
    running = task()
      .then(
        () => {
          if (failing) logger.info({ task: name }, 'background task recovered');
          failing = false;
        },
        (error: unknown) => {
          if (!failing) logger.warn({ task: name, err: { message: error instanceof Error ? error.message : String(error) } }, 'background task failed; retrying');
          failing = true;
        },
      )
      .finally(() => {
        running = null;
      });
    return running;
  };
  const timer = setInterval(() => {
    if (!stopped && !running) void run();
  }, everyMs);
  timer.unref();
  return {
    runNow: () => (stopped ? Promise.resolve() : run()),
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
