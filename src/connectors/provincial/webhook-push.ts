import type { Logger } from 'pino';
import { WebhookSender, type OutgoingEvent } from '../webhook-sender.js';
import { toObservation } from './mapping.js';
import type { ProvincialDossierRecord } from './payloads.js';

/**
 * What the provincial one-stop shop pushes to the hub for one of its changes: the dossier's
 * state after the change, in the hub's push contract, with the system's version (PhienBan) and
 * change time (NgayCapNhat). The id names the dossier and version, so a resend is a duplicate.
 */
export function provincialPushEvent(record: ProvincialDossierRecord): OutgoingEvent {
  const o = toObservation(record);
  const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
  return {
    id: `${o.dossierCode}@${o.sourceVersion}`,
    type: 'dossier.status_changed',
    timestamp: o.updatedAt,
    version: record.PhienBan,
    data: {
      dossierCode: o.dossierCode,
      procedureCode: o.procedureCode,
      provinceCode: o.provinceCode,
      communeCode: o.communeCode,
      status: record.TrangThaiHoSo,
      nativeStatus: o.nativeStatus,
      applicantPersonalId: o.applicantPersonalId,
      receivedAt: iso(o.receivedAt),
      dueAt: iso(o.dueAt),
      finishedAt: iso(o.finishedAt),
      returnedAt: iso(o.returnedAt),
    },
  };
}

/**
 * Pushes a simulator's changes to the hub with the sender helper, in order, batching what
 * piles up while a delivery is in flight. Events are numbered, so a delivery that fails for good
 * leaves a hole the hub sees and fills by pulling the change feed.
 */
export class ProvincialPusher {
  private readonly sender: WebhookSender;
  private readonly logger: Logger;
  private queue: OutgoingEvent[] = [];
  private sending: Promise<void> | null = null;

  constructor(options: { hubUrl: string; secret: string; logger: Logger }) {
    this.logger = options.logger;
    this.sender = new WebhookSender({ hubUrl: options.hubUrl, system: 'provincial', secret: options.secret, numberEvents: true });
  }

  push(record: ProvincialDossierRecord): void {
    this.queue.push(provincialPushEvent(record));
    this.sending ??= this.drain().finally(() => {
      this.sending = null;
    });
  }

  /** Resolves when everything queued so far has been sent (or given up on). */
  async flush(): Promise<void> {
    while (this.sending) await this.sending;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, 1_000);
      const reply = await this.sender.send(batch);
      if (!reply.ok) this.logger.warn({ status: reply.status, events: batch.length }, 'provincial simulator: push to the hub failed; the hub will find the gap');
    }
  }
}
