import type { FastifyInstance } from "fastify";
import { sql } from "kysely";
import type { EventLog } from "../bus/event-log.js";
import { InProcessEventLog } from "../bus/in-process.js";
import { NatsEventLog, ResolverWorker } from "../bus/nats.js";
import { type IngestOptions, type IngestReport, LiveIngest } from "../jobs/ingest-events.js";
import { WebhookDispatcher } from "../jobs/webhooks.js";
import type { Store } from "../store/open-store.js";
import { buildServer } from "./app.js";
import { startBackgroundJobs } from "./background.js";

/**
 * A running Tessera server: HTTP, the event log (in-process group commits, or NATS JetStream with a resolver
 * worker in this process unless told otherwise), and the webhook dispatcher.
 */

export interface RunOptions extends IngestOptions {
  port?: number;
  host?: string;
  /** NATS server URL: events go through JetStream. */
  natsUrl?: string;
  /** With NATS: also run a resolver worker here (default true). */
  resolver?: boolean;
  /** Stream name with NATS (tests use their own). */
  stream?: string;
  webhooks?: boolean;
  /** Most events waiting to be made durable before requests are answered 429. Default 50,000. */
  maxPending?: number;
  logger?: boolean;
  /** How long GET /v1/attribution's answer stands while new events arrive (default 30 s). */
  attributionMaxAgeSeconds?: number;
  onBatch?: (report: IngestReport, seconds: number) => void;
  onError?: (error: unknown) => void;
}

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  ingest: LiveIngest;
  close(): Promise<void>;
}

export async function runServer(store: Store, o: RunOptions = {}): Promise<RunningServer> {
  // Many small commits: checkpoint the WAL every ~80 MB rather than every 4 MB, so that hot pages (index roots,
  // the id sequence) are copied into the database once per checkpoint instead of once per few commits. Measured
  // on the real-time bench: 4,300 → 6,500 events/s; a checkpointing thread of its own gained nothing more.
  if (store.dialect === "sqlite") await sql`pragma wal_autocheckpoint = 20000`.execute(store.db);
  const ingest = new LiveIngest(store, o);
  let log: EventLog;
  let worker: ResolverWorker | null = null;
  if (o.natsUrl) {
    log = await NatsEventLog.open({ url: o.natsUrl, ...(o.stream ? { stream: o.stream } : {}) });
    if (o.resolver !== false)
      worker = await ResolverWorker.start(
        {
          url: o.natsUrl,
          ...(o.stream ? { stream: o.stream } : {}),
          ...(o.onError ? { onError: o.onError } : {}),
          deadLetter: (event, error) => ingest.deadLetter(event, error),
        },
        (events) => ingest.apply(events),
      );
  } else {
    log = new InProcessEventLog((events) => ingest.apply(events), {
      ...(o.maxPending ? { maxPending: o.maxPending } : {}),
      ...(o.onBatch ? { onBatch: o.onBatch } : {}),
      ...(o.onError ? { onError: o.onError } : {}),
    });
  }
  const dispatcher =
    o.webhooks === false ? null : new WebhookDispatcher(store, o.onError ? { onError: o.onError } : {});
  dispatcher?.start();
  const background = startBackgroundJobs(store, o.onError ? { onError: o.onError } : {});
  const app = await buildServer({
    store,
    log,
    ingest,
    ...(o.logger ? { logger: true } : {}),
    ...(o.attributionMaxAgeSeconds !== undefined
      ? { attributionMaxAgeSeconds: o.attributionMaxAgeSeconds }
      : {}),
  });
  const address = await app.listen({ port: o.port ?? 8080, host: o.host ?? "127.0.0.1" });
  return {
    app,
    url: address,
    ingest,
    async close() {
      await app.close();
      await log.close();
      await worker?.stop();
      await dispatcher?.stop();
      for (const job of background) await job.stop();
      if (store.dialect === "sqlite") await sql`pragma wal_autocheckpoint = 1000`.execute(store.db);
    },
  };
}
