import type { IngestReport } from "../jobs/ingest-events.js";
import type { AcceptedEvent } from "../model/event.js";
import { type EventLog, OverloadedError } from "./event-log.js";

/**
 * The embedded event log: requests' events are queued and applied in group commits — one transaction for
 * everything that arrived while the previous one was being written — so that many small requests cost few
 * transactions, and each request is answered when the transaction holding its events has committed.
 */

export interface GroupCommitOptions {
  /** Most events per transaction. Default 2,000. */
  maxBatch?: number;
  /** Most events waiting before new requests are refused with 429. Default 50,000. */
  maxPending?: number;
  onBatch?: (report: IngestReport, seconds: number) => void;
  onError?: (error: unknown) => void;
}

interface Waiting {
  events: AcceptedEvent[];
  resolve: () => void;
  reject: (e: unknown) => void;
}

export class InProcessEventLog implements EventLog {
  private queue: Waiting[] = [];
  private queued = 0;
  private running = false;
  private closed = false;
  private idle: (() => void) | null = null;
  private readonly maxBatch: number;
  private readonly maxPending: number;

  constructor(
    private readonly apply: (events: AcceptedEvent[]) => Promise<IngestReport>,
    private readonly options: GroupCommitOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 2000;
    this.maxPending = options.maxPending ?? 50_000;
  }

  pending(): number {
    return this.queued;
  }

  append(events: AcceptedEvent[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error("the event log is closed"));
    if (events.length === 0) return Promise.resolve();
    if (this.queued + events.length > this.maxPending) return Promise.reject(new OverloadedError(1));
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ events, resolve, reject });
      this.queued += events.length;
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const group: Waiting[] = [];
        let n = 0;
        while (
          this.queue.length > 0 &&
          (group.length === 0 || n + (this.queue[0]?.events.length ?? 0) <= this.maxBatch)
        ) {
          const w = this.queue.shift() as Waiting;
          group.push(w);
          n += w.events.length;
        }
        const t = performance.now();
        try {
          const report = await this.apply(group.flatMap((w) => w.events));
          for (const w of group) w.resolve();
          this.options.onBatch?.(report, (performance.now() - t) / 1000);
        } catch (error) {
          this.options.onError?.(error);
          for (const w of group) w.reject(error);
        } finally {
          this.queued -= n;
        }
      }
    } finally {
      this.running = false;
      this.idle?.();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.running) await new Promise<void>((r) => (this.idle = r));
  }
}
