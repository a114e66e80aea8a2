import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { delimiter, join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { preferredOrFreePort } from './free-port.js';

export interface RunningRedis {
  url: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** The path of `redis-server` on PATH, or null when it is not installed. */
export function findRedisServer(pathVariable = process.env['PATH'] ?? ''): string | null {
  for (const dir of pathVariable.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'redis-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

export const REDIS_INSTALL_HINT =
  'install Redis for production-grade queues: `sudo apt-get install -y redis-server` (Debian/Ubuntu) or `brew install redis` (macOS)';

export interface LocalRedisOptions {
  dataDir: string;
  preferredPort?: number;
  logger: Logger;
  /** Append-only file on (durable queues) unless the caller asks for a throwaway server. */
  appendOnly?: boolean;
  binary?: string;
}

/**
 * Starts `redis-server` from PATH as a child process with AOF persistence and `noeviction`
 * (BullMQ must never have its keys evicted), bound to loopback.
 */
export async function startLocalRedis(options: LocalRedisOptions): Promise<RunningRedis> {
  const binary = options.binary ?? findRedisServer();
  if (!binary) throw new Error(`redis-server is not on PATH; ${REDIS_INSTALL_HINT}`);
  const dir = resolve(options.dataDir);
  await mkdir(dir, { recursive: true });
  const pidFile = join(dir, 'redis.pid');
  await stopOrphan(pidFile, binary);
  const port = await preferredOrFreePort(options.preferredPort ?? 6379);
  const child = spawn(
    binary,
    [
      '--port', String(port),
      '--bind', '127.0.0.1',
      '--dir', dir,
      '--appendonly', options.appendOnly === false ? 'no' : 'yes',
      '--appendfsync', 'everysec',
      '--save', '',
      '--maxmemory-policy', 'noeviction',
      '--protected-mode', 'yes',
      '--daemonize', 'no',
      '--pidfile', pidFile,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise<void>((resolveReady, reject) => {
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        child.stdout?.off('data', onData);
        resolveReady();
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`redis-server exited with code ${code}: ${output.slice(-500)}`)));
  });
  child.stdout?.resume();
  child.stderr?.resume();
  // Command-line tools (lienthong reconcile) find the hub's queues through this file.
  await writeFile(join(dir, 'redis.port'), `${port}\n`);
  options.logger.debug({ port, dir }, 'redis-server started');
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    process: child,
    stop: () => stopChild(child, 8_000),
  };
}

/**
 * A hub killed with SIGKILL leaves its redis-server running on the data directory; a new one on
 * the same directory would fight it over the append-only file. The pid file names it: if that
 * process is still a redis-server, it is stopped first.
 */
async function stopOrphan(pidFile: string, binary: string): Promise<void> {
  let pid: number;
  try {
    pid = Number((await readFile(pidFile, 'utf8')).trim());
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 1) return;
  let command = '';
  try {
    command = await readFile(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return; // not running (or no /proc): nothing to stop
  }
  if (!command.includes('redis-server') && !command.includes(binary)) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 8_000;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  process.kill(pid, 'SIGKILL');
}

/** SIGTERM, then SIGKILL if the process has not exited by the deadline. */
export function stopChild(child: ChildProcess, deadlineMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), deadlineMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolveStop();
    });
    child.kill('SIGTERM');
  });
}
