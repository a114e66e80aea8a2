import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startHubProcess, type HubProcess } from '../support/hub-process.js';
import { createTestDatabase, eventually, type TestDatabase } from '../support/test-database.js';

/** The processes a process started (Linux). */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** The hub's worker process: its child started with ROLE=worker. */
function workerOf(hubPid: number): number | undefined {
  return childrenOf(hubPid).find((pid) => {
    try {
      return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes('ROLE=worker');
    } catch {
      return false;
    }
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Field 19 of /proc/PID/stat: the process's nice value. */
function niceOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

describe.skipIf(process.platform !== 'linux')('`lienthong start` with its workers in a process of their own', () => {
  let db: TestDatabase;
  let hub: HubProcess | undefined;

  const start = async (): Promise<HubProcess> =>
    startHubProcess({
      DATABASE_URL: db.url,
      REDIS_URL: inject('redisUrl'),
      QUEUE_PREFIX: `wp${randomBytes(4).toString('hex')}`,
      PORT: '0',
      HOST: '127.0.0.1',
      DEMO_DOSSIERS: '200',
      RECONCILE_PROVINCES: '',
      DEMO_PUSH_EVERY_SECONDS: '0.5',
    });

  /** Waits until the demo pushes received so far, and at least `atLeast` of them, are applied. */
  const appliedPushes = (atLeast: number): Promise<number> =>
    eventually(
      async () => {
        const [row] = await db.sql<{ all: number; waiting: number }[]>`
          select count(*)::int as all, (count(*) filter (where status = 'ACCEPTED'))::int as waiting
          from inbound_events where system = 'provincial'`;
        return row && row.all >= atLeast && row.waiting === 0 ? row.all : undefined;
      },
      { what: `${atLeast} demo pushes applied`, timeoutMs: 60_000, intervalMs: 200 },
    );

  beforeAll(async () => {
    db = await createTestDatabase();
    hub = await start();
  });

  afterAll(async () => {
    await hub?.stop();
    await db?.drop();
  });

  it('runs the workers as a niced ROLE=worker child, which applies the pushes the hub acknowledges', async () => {
    const hubPid = hub?.child.pid as number;
    const worker = await eventually(() => Promise.resolve(workerOf(hubPid)), { what: 'the worker process', timeoutMs: 30_000 });
    expect(niceOf(worker) - niceOf(hubPid)).toBe(10);
    // The banner is the hub's alone: the worker process prints none.
    expect(hub?.output().match(/Liên thông hub is up/g)).toHaveLength(1);
    expect(await appliedPushes(3)).toBeGreaterThanOrEqual(3);
  });

  it('starts the worker process again when it dies, and the new one applies what arrived meanwhile', async () => {
    const hubPid = hub?.child.pid as number;
    const first = workerOf(hubPid) as number;
    process.kill(first, 'SIGKILL');
    const [before] = await db.sql<{ n: number }[]>`select count(*)::int as n from inbound_events where system = 'provincial'`;
    const second = await eventually(() => {
      const pid = workerOf(hubPid);
      return Promise.resolve(pid !== undefined && pid !== first ? pid : undefined);
    }, { what: 'a new worker process', timeoutMs: 30_000 });
    expect(alive(first)).toBe(false);
    expect(second).not.toBe(first);
    expect(await appliedPushes((before?.n ?? 0) + 3)).toBeGreaterThan(before?.n ?? 0);
  });

  it('stops its worker process when it stops, and a worker process whose hub was killed stops by itself', async () => {
    const worker = workerOf(hub?.child.pid as number) as number;
    const stopped = await hub?.stop();
    expect(stopped?.code).toBe(0);
    expect(alive(worker)).toBe(false);

    const killed = await start();
    hub = killed;
    const orphan = await eventually(() => Promise.resolve(workerOf(killed.child.pid as number)), { what: 'the worker process', timeoutMs: 30_000 });
    const exited = once(killed.child, 'exit');
    killed.child.kill('SIGKILL');
    await exited;
    hub = undefined;
    await eventually(() => Promise.resolve(alive(orphan) ? undefined : true), { what: 'the orphaned worker process to stop', timeoutMs: 20_000 });
  });
});
