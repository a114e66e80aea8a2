import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TEST_JWT_SECRET } from './tokens.js';

export interface HubProcess {
  child: ChildProcess;
  graphqlUrl: string;
  simulators: Record<string, string>;
  output(): string;
  /** Sends SIGTERM and resolves with the exit code and how long the stop took. */
  stop(): Promise<{ code: number | null; ms: number }>;
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Starts the hub the way `npm start` does (`tsx src/main.ts start`) as a child process, and
 * waits for the start-up banner that prints the GraphQL URL.
 */
export async function startHubProcess(env: Record<string, string>, timeoutMs = 90_000): Promise<HubProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'start'], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', AUTH_JWT_SECRET: TEST_JWT_SECRET, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const graphqlUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub did not start within ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const onData = (): void => {
      const match = /GraphQL\s+(http:\/\/\S+)/.exec(out);
      if (match?.[1] && out.includes('Press Ctrl-C')) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`hub exited with code ${code} before it was up:\n${out}`));
    });
  });
  const simulators: Record<string, string> = {};
  for (const match of out.matchAll(/Simulator\s+(\S+)\s+(http:\/\/\S+)/g)) {
    if (match[1] && match[2]) simulators[match[1]] = match[2];
  }
  return {
    child,
    graphqlUrl,
    simulators,
    output: () => out,
    stop: () =>
      new Promise((resolve) => {
        const started = Date.now();
        if (child.exitCode !== null) return resolve({ code: child.exitCode, ms: 0 });
        child.once('exit', (code) => resolve({ code, ms: Date.now() - started }));
        child.kill('SIGTERM');
      }),
  };
}
