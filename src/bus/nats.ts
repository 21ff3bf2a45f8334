import {
  AckPolicy,
  type Consumer,
  connect,
  type JetStreamClient,
  type JetStreamManager,
  type NatsConnection,
  nanos,
  RetentionPolicy,
  StorageType,
} from "nats";
import type { AcceptedEvent } from "../model/event.js";
import { type EventLog, OverloadedError } from "./event-log.js";

/**
 * The event log on NATS JetStream, for ingest nodes and resolver workers in separate processes. An event is
 * acknowledged to its sender when JetStream has stored it (file storage); its message id is the JetStream
 * message id, so a retried request within the duplicate window is stored once. A resolver worker pulls
 * batches, applies them (the store skips message ids it has seen, so a redelivery after a crash applies
 * nothing twice) and only then acknowledges them to the stream.
 */

export interface NatsOptions {
  url: string;
  /** Stream name; tests use their own. Default TESSERA_EVENTS. */
  stream?: string;
  /** Most unacknowledged publishes in flight before 429. Default 20,000. */
  maxPending?: number;
}

export async function openNats(url: string): Promise<NatsConnection> {
  return connect({ servers: url, name: "tessera" });
}

async function ensureStream(jsm: JetStreamManager, name: string, subject: string): Promise<void> {
  const config = {
    name,
    subjects: [subject],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    duplicate_window: nanos(10 * 60 * 1000),
  };
  try {
    await jsm.streams.info(name);
  } catch {
    await jsm.streams.add(config);
  }
}

export class NatsEventLog implements EventLog {
  private inFlight = 0;
  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly subject: string,
    private readonly maxPending: number,
    private readonly ownsConnection: boolean,
  ) {}

  static async open(options: NatsOptions, nc?: NatsConnection): Promise<NatsEventLog> {
    const conn = nc ?? (await openNats(options.url));
    const stream = options.stream ?? "TESSERA_EVENTS";
    const subject = `${stream.toLowerCase()}.events`;
    await ensureStream(await conn.jetstreamManager(), stream, subject);
    return new NatsEventLog(conn, conn.jetstream(), subject, options.maxPending ?? 20_000, nc === undefined);
  }

  pending(): number {
    return this.inFlight;
  }

  async append(events: AcceptedEvent[]): Promise<void> {
    if (this.inFlight + events.length > this.maxPending) throw new OverloadedError(1);
    this.inFlight += events.length;
    try {
      await Promise.all(
        events.map((e) =>
          this.js.publish(this.subject, new TextEncoder().encode(JSON.stringify(e)), {
            msgID: `${e.source}:${e.messageId}`,
          }),
        ),
      );
    } finally {
      this.inFlight -= events.length;
    }
  }

  async close(): Promise<void> {
    if (this.ownsConnection) await this.nc.drain();
  }
}

export interface ResolverWorkerOptions {
  url: string;
  stream?: string;
  /** Durable consumer name: workers sharing it share the work. Default "resolver". */
  consumer?: string;
  batch?: number;
  onBatch?: (events: number, seconds: number) => void;
  onError?: (error: unknown) => void;
}

/** Pulls events from the stream and applies them in batches until stopped. */
export class ResolverWorker {
  private stopped = false;
  private loop: Promise<void> | null = null;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly consumer: Consumer,
    private readonly apply: (events: AcceptedEvent[]) => Promise<unknown>,
    private readonly options: ResolverWorkerOptions,
  ) {}

  static async start(
    options: ResolverWorkerOptions,
    apply: (events: AcceptedEvent[]) => Promise<unknown>,
  ): Promise<ResolverWorker> {
    const nc = await openNats(options.url);
    const stream = options.stream ?? "TESSERA_EVENTS";
    const jsm = await nc.jetstreamManager();
    await ensureStream(jsm, stream, `${stream.toLowerCase()}.events`);
    const durable = options.consumer ?? "resolver";
    try {
      await jsm.consumers.info(stream, durable);
    } catch {
      await jsm.consumers.add(stream, {
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        max_ack_pending: 50_000,
        ack_wait: nanos(60_000),
      });
    }
    const consumer = await nc.jetstream().consumers.get(stream, durable);
    const worker = new ResolverWorker(nc, consumer, apply, options);
    worker.loop = worker.run();
    return worker;
  }

  private async run(): Promise<void> {
    const max = this.options.batch ?? 2000;
    while (!this.stopped) {
      try {
        const messages = await this.consumer.fetch({ max_messages: max, expires: 1000 });
        const batch = [];
        for await (const m of messages) batch.push(m);
        if (batch.length === 0) continue;
        const t = performance.now();
        await this.apply(batch.map((m) => m.json<AcceptedEvent>()));
        for (const m of batch) m.ack();
        this.options.onBatch?.(batch.length, (performance.now() - t) / 1000);
      } catch (error) {
        if (this.stopped) break;
        this.options.onError?.(error);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    await this.nc.drain();
  }
}
