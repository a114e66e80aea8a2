import { ConnectorError } from '../connectors/connector-error.js';
import type { SystemId } from '../connectors/system-id.js';

/**
 * Bounds a read path by the system's time limit plus a margin, whatever retries happen below:
 * a frontend gets its partial answer on time and the late upstream answer is dropped.
 */
export function withDeadline<T>(system: SystemId, ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ConnectorError(system, 'UPSTREAM_TIMEOUT', `no answer within ${ms} ms`, { transient: true })),
      ms,
    );
    timer.unref();
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
