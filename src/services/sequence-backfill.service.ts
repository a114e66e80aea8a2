import type { Logger } from 'pino';
import type { DossierSource } from '../connectors/connector.js';
import { isSystemId, type SystemId } from '../connectors/system-id.js';
import type { GapRow, SequenceRepository } from '../db/sequence.repository.js';
import type { DossierSyncService } from './dossier-sync.service.js';

/** Sequence numbers either side of a gap whose dossier events say which provinces to read. */
const PROVINCE_MARGIN = 10_000;

export class BackfillFailed extends Error {
  override readonly name = 'BackfillFailed';
}

/**
 * Fills a hole in a sender's sequence numbers by pulling that system's change feed: from the
 * cursor the hub stored for each province the sender's neighbouring events concern (and the
 * configured ones), so every change made since, the missing ones included, arrives. The pull
 * stores pages with their cursors, so a retried backfill resumes where it stopped.
 */
export class SequenceBackfillService {
  constructor(
    private readonly gaps: SequenceRepository,
    private readonly sync: DossierSyncService,
    private readonly sources: Partial<Record<SystemId, DossierSource>>,
    private readonly defaultProvinces: readonly string[],
    private readonly logger: Logger,
  ) {}

  async backfill(gapId: string, lastAttempt: boolean): Promise<GapRow | null> {
    const gap = await this.gaps.findGap(gapId);
    if (!gap || gap.status !== 'OPEN') return gap;
    const log = this.logger.child({ system: gap.system, gapId, from: gap.fromSequence, to: gap.toSequence });
    const source = isSystemId(gap.system) ? this.sources[gap.system] : undefined;
    if (!source) {
      await this.gaps.finishGap(gap.id, 'FAILED', 0, `${gap.system} has no change feed the hub reads; the missing changes cannot be pulled`);
      log.warn('sequence gap cannot be backfilled');
      return this.gaps.findGap(gap.id);
    }
    const near = await this.gaps.provincesAround(gap.system, gap.fromSequence, gap.toSequence, PROVINCE_MARGIN);
    const provinces = [...new Set([...near, ...this.defaultProvinces])].sort();
    let pulled = 0;
    const failures: string[] = [];
    for (const province of provinces) {
      const record = await this.sync.pull(source, province);
      pulled += record.read;
      if (record.error) failures.push(`province ${province}: ${record.error.code} ${record.error.message}`);
    }
    const missing = gap.fromSequence === gap.toSequence ? `sequence ${gap.fromSequence}` : `sequences ${gap.fromSequence}–${gap.toSequence}`;
    if (failures.length > 0 && !lastAttempt) throw new BackfillFailed(`backfill of ${gap.system} ${missing} failed: ${failures.join('; ')}`);
    const status = failures.length > 0 ? 'FAILED' : 'BACKFILLED';
    const detail =
      failures.length > 0
        ? `pulled ${pulled} changes, but ${failures.join('; ')}`
        : `${missing} never arrived; pulled ${pulled} changes from ${gap.system}'s change feed for province${provinces.length === 1 ? '' : 's'} ${provinces.join(', ')}`;
    await this.gaps.finishGap(gap.id, status, pulled, detail);
    log.info({ status, pulled, provinces }, 'sequence gap backfilled');
    return this.gaps.findGap(gap.id);
  }
}
