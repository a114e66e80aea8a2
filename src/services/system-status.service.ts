import type { Connector } from '../connectors/connector.js';
import { SYSTEM_NAMES, type SystemId } from '../connectors/system-id.js';
import { withDeadline } from './deadline.js';

export interface SystemStatusRecord {
  id: SystemId;
  name: string;
  health: 'UP' | 'DOWN';
  healthDetail: string | null;
  circuit: string;
  lastSuccessAt: Date | null;
  p95LatencyMs: number | null;
  calls: number;
  errors: number;
  lastErrorCode: string | null;
  lastErrorAt: Date | null;
}

/** Health and call statistics of every connected agency system, probed in parallel. */
export class SystemStatusService {
  constructor(
    private readonly connectors: ReadonlyMap<SystemId, Connector>,
    private readonly probeDeadlineMs: number,
  ) {}

  async list(): Promise<SystemStatusRecord[]> {
    return Promise.all([...this.connectors.values()].map((c) => this.status(c)));
  }

  private async status(connector: Connector): Promise<SystemStatusRecord> {
    let health: 'UP' | 'DOWN' = 'DOWN';
    let healthDetail: string | null = null;
    try {
      const probe = await withDeadline(connector.system, this.probeDeadlineMs, connector.health());
      health = probe.status;
      healthDetail = probe.detail;
    } catch (error) {
      healthDetail = error instanceof Error ? error.message : String(error);
    }
    const stats = connector.stats();
    return {
      id: connector.system,
      name: SYSTEM_NAMES[connector.system],
      health,
      healthDetail,
      circuit: stats.circuit,
      lastSuccessAt: stats.lastSuccessAt,
      p95LatencyMs: stats.p95LatencyMs,
      calls: stats.calls,
      errors: stats.errors,
      lastErrorCode: stats.lastError?.code ?? null,
      lastErrorAt: stats.lastError?.at ?? null,
    };
  }
}
