import { isDatabaseUnavailable } from './database-errors.js';
import type { AcceptedEvent, InboxDelivery, InboxRepository } from './inbox.repository.js';

export interface InboxGroupCommitOptions {
  /** Most events one statement stores; a delivery is never split, so one larger than this goes alone. */
  maxEvents?: number;
  /** Statements in flight at once (1: the next waits for the one before to return). */
  statements?: number;
  /**
   * A delivery of at least this many events is written at once in a statement of its own (unless
   * one of its events is being written): it is a batch already, a shared commit saves it nothing,
   * and several such statements use more than one core of PostgreSQL. 0: never.
   */
  aloneFromEvents?: number;
  /** Told of every statement: how many deliveries and events it carried, how long it took. */
  onStatement?: (statement: { deliveries: number; events: number; seconds: number; ok: boolean }) => void;
}

/** The store did not answer within a delivery's time limit; its group's statement was cancelled. */
export class StoreTimeout extends Error {
  override readonly name = 'StoreTimeout';
}

interface Pending {
  delivery: InboxDelivery;
  keys: string[];
  resolve(events: AcceptedEvent[]): void;
  reject(error: Error): void;
  /** Set once the delivery is in a statement: a timeout then cancels that statement. */
  group: AbortController | null;
  settled: boolean;
}

/**
 * Group commit at the door: concurrent deliveries share one inbox statement. While one
 * statement is in flight, new deliveries wait; when it returns, all that waited go in the next
 * one (up to `maxEvents`). Large deliveries (`aloneFromEvents`) are batches already: they go at
 * once, each in its own statement. No timer decides when to write: under light load a delivery is
 * written at once, alone; under heavy load a statement carries many, and each commit's fsync is
 * shared by all of them.
 *
 * Every delivery keeps its own answer: its events' ids and statuses, or the statement's error.
 * A statement is atomic, so a failed one stores nothing of any delivery of its group. Two
 * deliveries of the same (system, event id) never share a statement: the later one waits for
 * the next, which sees the first as stored and answers DUPLICATE.
 */
export class InboxGroupCommit {
  private readonly maxEvents: number;
  private readonly statements: number;
  private readonly aloneFromEvents: number;
  private readonly onStatement: NonNullable<InboxGroupCommitOptions['onStatement']>;
  private queue: Pending[] = [];
  private inFlight = 0;
  /** The (system, event id) keys of the statements in flight. */
  private readonly writingKeys = new Set<string>();

  constructor(
    private readonly inbox: Pick<InboxRepository, 'acceptMany'>,
    options: InboxGroupCommitOptions = {},
  ) {
    this.maxEvents = options.maxEvents ?? 2_000;
    this.statements = Math.max(1, options.statements ?? 1);
    this.aloneFromEvents = options.aloneFromEvents ?? 100;
    this.onStatement = options.onStatement ?? (() => undefined);
  }

  /**
   * Stores a delivery's events with the next statement; rejects with StoreTimeout when that
   * takes more than `timeoutMs`. A delivery still waiting then is dropped, one in flight
   * cancels its statement (failing its whole group): a refused sender's events are not stored
   * behind its back, save for a statement that committed as the cancel went out.
   */
  accept(delivery: InboxDelivery, timeoutMs: number): Promise<AcceptedEvent[]> {
    if (delivery.events.length === 0) return Promise.resolve([]);
    return new Promise<AcceptedEvent[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (entry.settled) return;
        const waiting = this.queue.indexOf(entry);
        if (waiting >= 0) this.queue.splice(waiting, 1);
        entry.group?.abort();
        settle(() => reject(new StoreTimeout(`the store did not answer within ${timeoutMs} ms`)));
      }, timeoutMs);
      const settle = (fn: () => void): void => {
        if (entry.settled) return;
        entry.settled = true;
        clearTimeout(timer);
        fn();
      };
      const entry: Pending = {
        delivery,
        keys: delivery.events.map((e) => `${delivery.system}\u0000${e.id}`),
        resolve: (events) => settle(() => resolve(events)),
        reject: (error) => settle(() => reject(error)),
        group: null,
        settled: false,
      };
      this.queue.push(entry);
      this.pump();
    });
  }

  /**
   * Starts a statement for each waiting large delivery, then statements for groups of the others
   * while fewer than `statements` of those are in flight.
   */
  private pump(): void {
    if (this.aloneFromEvents > 0) {
      for (const entry of this.queue.filter((e) => e.delivery.events.length >= this.aloneFromEvents)) {
        if (entry.keys.some((k) => this.writingKeys.has(k))) continue;
        this.queue.splice(this.queue.indexOf(entry), 1);
        this.start([entry], false);
      }
    }
    while (this.inFlight < this.statements && this.queue.length > 0) {
      const group = this.nextGroup();
      if (group.length === 0) return;
      this.start(group, true);
    }
  }

  private start(group: Pending[], counted: boolean): void {
    const keys = group.flatMap((e) => e.keys);
    for (const k of keys) this.writingKeys.add(k);
    if (counted) this.inFlight += 1;
    void this.write(group).finally(() => {
      if (counted) this.inFlight -= 1;
      for (const k of keys) this.writingKeys.delete(k);
      this.pump();
    });
  }

  /**
   * The waiting deliveries, in arrival order, up to the size limit, none repeating an event of
   * another or of a statement in flight.
   */
  private nextGroup(): Pending[] {
    const group: Pending[] = [];
    const left: Pending[] = [];
    const keys = new Set<string>();
    let events = 0;
    let full = false;
    for (const entry of this.queue) {
      const fits = group.length === 0 || events + entry.delivery.events.length <= this.maxEvents;
      if (full || !fits || entry.keys.some((k) => keys.has(k) || this.writingKeys.has(k))) {
        // A delivery left out for its size closes the group, so a large one is not overtaken for ever.
        if (!fits) full = true;
        left.push(entry);
        continue;
      }
      group.push(entry);
      events += entry.delivery.events.length;
      for (const k of entry.keys) keys.add(k);
    }
    this.queue = left;
    return group;
  }

  private async write(group: Pending[]): Promise<void> {
    const controller = new AbortController();
    for (const entry of group) entry.group = controller;
    let answers: AcceptedEvent[][];
    const started = process.hrtime.bigint();
    const measure = (ok: boolean): void =>
      this.onStatement({
        deliveries: group.length,
        events: group.reduce((n, e) => n + e.delivery.events.length, 0),
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
        ok,
      });
    try {
      answers = await this.inbox.acceptMany(
        group.map((e) => e.delivery),
        { signal: controller.signal },
      );
      measure(true);
    } catch (error) {
      measure(false);
      if (controller.signal.aborted) {
        for (const entry of group) entry.reject(new StoreTimeout('the store did not answer in time; the statement was cancelled'));
      } else if (group.length > 1 && !isDatabaseUnavailable(error)) {
        // PostgreSQL refused the statement for the data of one delivery (say, a text it cannot
        // store): each delivery is written again on its own, so only that one fails.
        for (const entry of group) if (!entry.settled) await this.write([entry]);
      } else {
        const failure = error instanceof Error ? error : new Error(String(error));
        for (const entry of group) entry.reject(failure);
      }
      return;
    }
    group.forEach((entry, index) => entry.resolve(answers[index] ?? []));
  }
}
