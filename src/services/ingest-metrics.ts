import { Counter, Gauge, Histogram, register, type CounterConfiguration, type GaugeConfiguration, type HistogramConfiguration } from 'prom-client';

/**
 * Prometheus metrics of the push path, in the default registry that /metrics serves. Created
 * once per process (tests build several services in one process, and prom-client refuses a
 * second metric of the same name).
 */
function counter<L extends string>(config: CounterConfiguration<L>): Counter<L> {
  return (register.getSingleMetric(config.name) as Counter<L> | undefined) ?? new Counter(config);
}

function histogram<L extends string>(config: HistogramConfiguration<L>): Histogram<L> {
  return (register.getSingleMetric(config.name) as Histogram<L> | undefined) ?? new Histogram(config);
}

function gauge<L extends string>(config: GaugeConfiguration<L>): Gauge<L> {
  return (register.getSingleMetric(config.name) as Gauge<L> | undefined) ?? new Gauge(config);
}

export interface IngestMetrics {
  deliveries: Counter<'system' | 'channel' | 'outcome'>;
  events: Counter<'system' | 'channel' | 'result'>;
  ackSeconds: Histogram<'channel'>;
  storeSeconds: Histogram<'result'>;
  storeDeliveries: Histogram<never>;
  applied: Counter<'system' | 'status'>;
  published: Counter<'how'>;
  gaps: Counter<'system'>;
}

export function ingestMetrics(): IngestMetrics {
  return {
    deliveries: counter({
      name: 'lienthong_ingest_deliveries_total',
      help: 'Push deliveries (webhook requests, GraphQL push mutations) by outcome: accepted, rejected, unauthorized, unavailable.',
      labelNames: ['system', 'channel', 'outcome'],
    }),
    events: counter({
      name: 'lienthong_ingest_events_total',
      help: 'Pushed events at the door by result: accepted, duplicate, conflict (event id reused for other content), rejected.',
      labelNames: ['system', 'channel', 'result'],
    }),
    ackSeconds: histogram({
      name: 'lienthong_ingest_ack_seconds',
      help: 'Time from a push request to its acknowledgement, events durable in PostgreSQL.',
      labelNames: ['channel'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    }),
    storeSeconds: histogram({
      name: 'lienthong_ingest_store_seconds',
      help: 'Duration of each inbox statement (deliveries that arrive together share one: group commit), by result: ok, failed.',
      labelNames: ['result'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    }),
    storeDeliveries: histogram({
      name: 'lienthong_ingest_store_deliveries',
      help: 'Deliveries (webhook requests, push mutations) stored by each inbox statement.',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
    }),
    applied: counter({
      name: 'lienthong_ingest_applied_total',
      help: 'Pushed events processed by workers of this process: applied, superseded, rejected.',
      labelNames: ['system', 'status'],
    }),
    published: counter({
      name: 'lienthong_outbox_published_total',
      help: 'Outbox rows moved to the queue by the relay (how=relay), and rows the sweeper found their job lost or failed and handed back to the relay (how=sweeper).',
      labelNames: ['how'],
    }),
    gaps: counter({
      name: 'lienthong_ingest_sequence_gaps_total',
      help: 'Holes found in senders\u2019 sequence numbers (each answered by a backfill pull).',
      labelNames: ['system'],
    }),
  };
}

/**
 * Per-system inbox counts read from PostgreSQL when /metrics is scraped (so they are right
 * whichever process applied the events), at most once every few seconds.
 */
export function registerInboxGauge(read: () => Promise<Array<{ system: string; counts: Record<string, number> }>>): void {
  if (register.getSingleMetric('lienthong_ingest_inbox_events')) register.removeSingleMetric('lienthong_ingest_inbox_events');
  let cached: { at: number; value: Awaited<ReturnType<typeof read>> } | null = null;
  gauge({
    name: 'lienthong_ingest_inbox_events',
    help: 'Pushed events per system by state (accepted = all stored; pending, applied, superseded, rejected, duplicates).',
    labelNames: ['system', 'state'],
    async collect() {
      if (!cached || Date.now() - cached.at > 5_000) {
        try {
          cached = { at: Date.now(), value: await read() };
        } catch {
          // PostgreSQL unreachable: keep the last values rather than fail the whole scrape.
          if (!cached) return;
        }
      }
      this.reset();
      for (const { system, counts } of cached.value) {
        for (const [state, value] of Object.entries(counts)) this.set({ system, state }, value);
      }
    },
  });
}
