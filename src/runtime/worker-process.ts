import { spawn, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import type { Logger } from 'pino';
import { stopChild } from './local-redis.js';

/** Set in a worker process's environment: the pid of the hub that started it. */
export const PARENT_PID_ENV = 'LIENTHONG_PARENT_PID';

export interface WorkerProcess {
  stop(): Promise<void>;
}

/**
 * Runs the hub's workers (`lienthong start` with ROLE=worker and the given environment) as a
 * child of this process, niced: pushes are acknowledged by an event loop that never waits for an
 * apply job or a reconciliation run, and on a small machine the workers yield the CPU to it. The
 * child is started again when it fails (exits non-zero or is killed; after 1 s, doubling up to
 * 30 s), stops with this process, and stops by itself if this process dies (it watches its parent).
 */
export function startWorkerProcess(options: { env: Record<string, string>; logger: Logger; nice?: number }): WorkerProcess {
  let child: ChildProcess | null = null;
  let stopping = false;
  let restartMs = 1_000;
  let restart: NodeJS.Timeout | null = null;
  // The same entry and loader as this process (tsx in a checkout), without a debugger's port.
  const entry = process.argv[1] ?? '';
  if (!/(main\.[cm]?[jt]s|lienthong(\.js)?)$/.test(entry)) {
    throw new Error(`WORKERS=process starts the workers as \`lienthong start\` does; this process was not started that way (${entry})`);
  }
  const argv = [...process.execArgv.filter((a) => !a.startsWith('--inspect')), entry, 'start'];
  const launch = (): void => {
    const startedAt = Date.now();
    const started = spawn(process.execPath, argv, {
      env: { ...process.env, ...options.env, [PARENT_PID_ENV]: String(process.pid) },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child = started;
    if (started.pid !== undefined) {
      try {
        setPriority(started.pid, options.nice ?? 10);
      } catch {
        // Not permitted here: the workers keep this process's priority.
      }
    }
    started.once('exit', (code, signal) => {
      if (child === started) child = null;
      if (stopping) return;
      if (code === 0) {
        // Stopped on request (Ctrl-C in a terminal reaches the whole process group): not a failure.
        options.logger.info('the worker process stopped');
        return;
      }
      if (Date.now() - startedAt > 60_000) restartMs = 1_000;
      options.logger.error({ code, signal, restartInMs: restartMs }, 'the worker process exited; starting it again');
      restart = setTimeout(launch, restartMs);
      restartMs = Math.min(restartMs * 2, 30_000);
    });
  };
  launch();
  return {
    stop: async () => {
      stopping = true;
      if (restart) clearTimeout(restart);
      if (child) await stopChild(child, 8_000);
    },
  };
}
