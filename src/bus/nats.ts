import {
  AckPolicy,
  type Consumer,
  connect,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
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
  /** Stream name; tests use their own. Default $TESSERA_STREAM, else TESSERA_EVENTS. */
  stream?: string;
  /** Most unacknowledged publishes in flight before 429. Default 20,000. */
  maxPending?: number;
  /** How long the stream keeps an event (default $TESSERA_STREAM_MAX_AGE_HOURS, else 7 days). */
  maxAgeHours?: number;
}

/** The stream events go through: given, else $TESSERA_STREAM, else TESSERA_EVENTS. */
export function streamName(given?: string): string {
  return given || process.env.TESSERA_STREAM || "TESSERA_EVENTS";
}

export async function openNats(url: string): Promise<NatsConnection> {
  return connect({ servers: url, name: "tessera" });
}

/**
 * How long the stream keeps an event: given, else $TESSERA_STREAM_MAX_AGE_HOURS, else 7 days. Events are applied
 * within seconds; the stream is a buffer, not an archive — a bounded one, so that its disk does not fill up and
 * an erased person's events do not linger in it for ever.
 */
export function streamMaxAgeHours(given?: number): number {
  const hours = given ?? Number(process.env.TESSERA_STREAM_MAX_AGE_HOURS ?? 7 * 24);
  if (!(hours > 0)) throw new Error(`the stream's maximum age must be hours above 0, not ${hours}`);
  return hours;
}

/**
 * Makes the stream when missing; with `maxAgeHours` (ingest nodes), also gives an existing one that age. Without
 * (workers), a stream made here takes the default age and an existing one is left as it is.
 */
async function ensureStream(
  jsm: JetStreamManager,
  name: string,
  subject: string,
  maxAgeHours: number | null,
): Promise<void> {
  const maxAge = nanos((maxAgeHours ?? streamMaxAgeHours()) * 3_600_000);
  const config = {
    name,
    subjects: [subject],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    duplicate_window: nanos(10 * 60 * 1000),
    max_age: maxAge,
  };
  let info: Awaited<ReturnType<JetStreamManager["streams"]["info"]>>;
  try {
    info = await jsm.streams.info(name);
  } catch {
    try {
      await jsm.streams.add(config);
      return;
    } catch (again) {
      // Another process made it at the same moment.
      info = await jsm.streams.info(name).catch(() => {
        throw again;
      });
    }
  }
  // A stream made before (or with another age) takes the age the ingest nodes ask for now; workers leave it.
  if (maxAgeHours !== null && info.config.max_age !== maxAge)
    await jsm.streams.update(name, { ...info.config, max_age: maxAge });
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
    const stream = streamName(options.stream);
    const subject = `${stream.toLowerCase()}.events`;
    await ensureStream(
      await conn.jetstreamManager(),
      stream,
      subject,
      streamMaxAgeHours(options.maxAgeHours),
    );
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
  /** Most events pulled and applied in one transaction. Default 1,000. */
  batch?: number;
  /**
   * Seconds JetStream waits for an acknowledgement before it delivers a message again (to any worker): how long
   * a killed worker's events wait. Set when the consumer is made, or changed when given. Default 30.
   */
  ackWaitSeconds?: number;
  onBatch?: (events: number, seconds: number) => void;
  onError?: (error: unknown) => void;
  /**
   * Keeps an event that failed on its own `maxDeliveries` times (a poison event), with why; once it resolves,
   * the event is acknowledged so that it no longer holds up the stream. Without it, such an event is tried again
   * for ever.
   */
  deadLetter?: (event: AcceptedEvent, error: unknown) => Promise<void>;
  /** Deliveries of an event that fails on its own before it goes to `deadLetter`. Default 5. */
  maxDeliveries?: number;
}

/**
 * Pulls events from the stream's durable consumer and applies them a batch at a time until stopped. Workers
 * in any number of processes share one consumer (a work queue: each message goes to one of them at a time).
 * A message is acknowledged only after the transaction applying it has committed; a worker killed before that
 * leaves its messages unacknowledged, and JetStream delivers them again after the ack wait — the store skips
 * the message ids it already has, so each event is applied once. A batch that fails is split in halves, and
 * the halves applied apart, down to single events, so that one bad event does not hold back the others; an event
 * that fails on its own is handed back (nak) to be tried again shortly, by this worker or another, and after
 * `maxDeliveries` deliveries it goes to the dead letter (when one is given) and is acknowledged.
 */
export class ResolverWorker {
  private stopped = false;
  private loop: Promise<void> | null = null;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly consumer: Consumer,
    private readonly apply: (events: AcceptedEvent[]) => Promise<unknown>,
    private readonly options: ResolverWorkerOptions,
    private readonly ackWaitMs: number,
  ) {}

  static async start(
    options: ResolverWorkerOptions,
    apply: (events: AcceptedEvent[]) => Promise<unknown>,
  ): Promise<ResolverWorker> {
    const nc = await openNats(options.url);
    const stream = streamName(options.stream);
    const jsm = await nc.jetstreamManager();
    await ensureStream(jsm, stream, `${stream.toLowerCase()}.events`, null);
    const durable = options.consumer ?? "resolver";
    const ackWait = nanos((options.ackWaitSeconds ?? 30) * 1000);
    let ackWaitMs = (options.ackWaitSeconds ?? 30) * 1000;
    try {
      const info = await jsm.consumers.info(stream, durable);
      if (options.ackWaitSeconds !== undefined && info.config.ack_wait !== ackWait)
        await jsm.consumers.update(stream, durable, { ack_wait: ackWait });
      else ackWaitMs = Math.round((info.config.ack_wait ?? ackWait) / 1e6);
    } catch (e) {
      if (!/consumer not found/i.test((e as Error).message)) throw e;
      try {
        await jsm.consumers.add(stream, {
          durable_name: durable,
          ack_policy: AckPolicy.Explicit,
          max_ack_pending: 50_000,
          ack_wait: ackWait,
        });
      } catch (again) {
        // Another worker made it at the same moment with the same settings.
        if (!/already (exists|in use)/i.test((again as Error).message)) throw again;
      }
    }
    const consumer = await nc.jetstream().consumers.get(stream, durable);
    const worker = new ResolverWorker(nc, consumer, apply, options, ackWaitMs);
    worker.loop = worker.run();
    return worker;
  }

  private async run(): Promise<void> {
    const max = this.options.batch ?? 1000;
    while (!this.stopped) {
      let batch: JsMsg[] = [];
      try {
        const messages = await this.consumer.fetch({ max_messages: max, expires: 1000 });
        for await (const m of messages) batch.push(m);
        if (batch.length === 0) continue;
        const t = performance.now();
        // A batch waiting on locks may outlast the ack wait: tell JetStream it is still being worked on.
        const working = setInterval(
          () => {
            for (const m of batch) m.working();
          },
          Math.max(500, this.ackWaitMs / 3),
        );
        let failed: unknown = null;
        try {
          failed = await this.settle(batch);
        } finally {
          clearInterval(working);
        }
        if (failed === null) this.options.onBatch?.(batch.length, (performance.now() - t) / 1000);
        batch = [];
        if (failed !== null) throw failed;
      } catch (error) {
        for (const m of batch) m.nak(2000);
        if (this.stopped) break;
        this.options.onError?.(error);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  /**
   * Applies the messages and acknowledges them; when that fails, settles each half apart. A single message that
   * fails is handed back, or, delivered `maxDeliveries` times, put in the dead letter and acknowledged. Gives the
   * error of the first message that failed on its own (null when every message was applied in the end), after
   * every message has been acknowledged or handed back.
   */
  private async settle(messages: JsMsg[]): Promise<unknown> {
    try {
      await this.apply(messages.map((m) => m.json<AcceptedEvent>()));
      for (const m of messages) m.ack();
      return null;
    } catch (error) {
      if (messages.length > 1 && !this.stopped) {
        const half = Math.ceil(messages.length / 2);
        // Both halves applied: the whole failed for a passing reason (a lock, a lost connection), not an event.
        const first = await this.settle(messages.slice(0, half));
        const second = await this.settle(messages.slice(half));
        return first ?? second;
      }
      const [m] = messages as [JsMsg];
      const deliveries = m.info.redeliveryCount;
      if (this.options.deadLetter && deliveries >= (this.options.maxDeliveries ?? 5)) {
        try {
          await this.options.deadLetter(m.json<AcceptedEvent>(), error);
          m.ack();
          return error;
        } catch (kept) {
          m.nak(2000);
          return kept;
        }
      }
      m.nak(2000);
      return error;
    }
  }

  /** Stops pulling, lets the batch in hand finish and be acknowledged, then closes the connection. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    await this.nc.drain();
  }
}
