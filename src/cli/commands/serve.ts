import type { Command } from "commander";
import { LiveMatcher } from "../../jobs/live-matcher.js";
import { audit, cliActor } from "../../privacy/audit.js";
import { fieldEncryptionFromEnv, rotateEncryption } from "../../privacy/encryption.js";
import { runServer } from "../../server/run.js";
import { createApiKey, type KeyKind, listApiKeys, parseScopes, revokeApiKey } from "../../store/api-keys.js";
import { openStore } from "../../store/open-store.js";
import { type GlobalOptions, locationFrom, withStore } from "../context.js";
import { table } from "../table.js";

interface ServeFlags {
  port: string;
  host: string;
  nats?: string;
  resolver: boolean;
  model?: string;
  settings?: string;
  country?: string;
  webhooks: boolean;
}

export function registerServe(program: Command): void {
  program
    .command("serve")
    .description(
      "run the HTTP server: the Segment-compatible ingest API, the profile API, the change feed and webhooks (OpenAPI at /openapi.json)",
    )
    .option("--port <port>", "port to listen on", "8080")
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option(
      "--nats <url>",
      "send events through NATS JetStream (default: $NATS_URL when set, else in-process)",
    )
    .option(
      "--no-resolver",
      "with NATS: only accept events here; resolver workers run elsewhere (tessera worker)",
    )
    .option(
      "--model <file>",
      "match identify traits live with this saved model (tessera resolve --save-model)",
    )
    .option("--settings <file>", "resolution settings the model was trained with")
    .option("--country <code>", "country of phone numbers written without one")
    .option("--no-webhooks", "do not deliver webhooks from this process")
    .action(async (flags: ServeFlags) => {
      const store = await openStore(locationFrom(program.opts<GlobalOptions>()));
      if ((await listApiKeys(store.db)).length === 0) {
        // A fresh store: keys to start with, printed once.
        const keys = [
          await createApiKey(store.db, { kind: "write", name: "default write key", source: "events" }),
          await createApiKey(store.db, { kind: "read", name: "default read key" }),
          await createApiKey(store.db, { kind: "admin", name: "default admin key" }),
        ];
        console.error("no API keys yet: made these (shown once; `tessera keys` manages them)");
        for (const k of keys)
          console.error(
            `  ${k.kind.padEnd(5)} ${k.key}${k.source ? `  (events go to source "${k.source}")` : ""}`,
          );
      }
      const natsUrl = flags.nats ?? process.env.NATS_URL;
      const matcher = flags.model ? LiveMatcher.fromFiles(flags.model, flags.settings) : undefined;
      const server = await runServer(store, {
        port: Number(flags.port),
        host: flags.host,
        ...(natsUrl ? { natsUrl } : {}),
        resolver: flags.resolver,
        webhooks: flags.webhooks,
        ...(matcher ? { matcher } : {}),
        ...(flags.country ? { defaultCountry: flags.country } : {}),
        onError: (e) => console.error(`error: ${(e as Error).message}`),
      });
      console.error(
        `tessera serving on ${server.url} (store ${store.describe}, events ${natsUrl ? `through NATS at ${natsUrl}` : "in-process"})`,
      );
      const stop = async () => {
        console.error("stopping: finishing what was accepted");
        await server.close();
        await store.close();
        process.exit(0);
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });

  program
    .command("worker")
    .description(
      "run a resolver worker: apply events from NATS JetStream to the store (with tessera serve --no-resolver); run as many as wanted, on as many machines",
    )
    .option("--nats <url>", "NATS server (default: $NATS_URL)")
    .option("--stream <name>", "JetStream stream (default: $TESSERA_STREAM, else TESSERA_EVENTS)")
    .option("--consumer <name>", "durable consumer the workers share", "resolver")
    .option("--batch <n>", "most events applied per transaction", "1000")
    .option("--ack-wait <seconds>", "how long an unacknowledged event waits before another worker gets it")
    .option(
      "--max-deliveries <n>",
      "deliveries of an event that fails on its own before it is kept in the quarantine and skipped",
      "5",
    )
    .option("--model <file>", "match identify traits live with this saved model")
    .option("--settings <file>", "resolution settings the model was trained with")
    .option("--country <code>", "country of phone numbers written without one")
    .option("--quiet", "no progress lines")
    .action(
      async (flags: {
        nats?: string;
        stream?: string;
        consumer: string;
        batch: string;
        ackWait?: string;
        maxDeliveries: string;
        model?: string;
        settings?: string;
        country?: string;
        quiet?: boolean;
      }) => {
        const url = flags.nats ?? process.env.NATS_URL;
        if (!(Number.isInteger(Number(flags.maxDeliveries)) && Number(flags.maxDeliveries) >= 1))
          throw new Error(`--max-deliveries must be a positive whole number, not ${flags.maxDeliveries}`);
        if (!url) throw new Error("a worker needs NATS: give --nats or set NATS_URL");
        const batch = Number(flags.batch);
        if (!Number.isInteger(batch) || batch < 1)
          throw new Error(`--batch must be a positive whole number, not ${flags.batch}`);
        const ackWait = flags.ackWait === undefined ? undefined : Number(flags.ackWait);
        if (ackWait !== undefined && !(ackWait > 0))
          throw new Error(`--ack-wait must be seconds above 0, not ${flags.ackWait}`);
        const store = await openStore(locationFrom(program.opts<GlobalOptions>()));
        const { ResolverWorker, streamName } = await import("../../bus/nats.js");
        const { LiveIngest, addReports, emptyIngestReport } = await import("../../jobs/ingest-events.js");
        const matcher = flags.model ? LiveMatcher.fromFiles(flags.model, flags.settings) : undefined;
        const ingest = new LiveIngest(store, {
          ...(matcher ? { matcher } : {}),
          ...(flags.country ? { defaultCountry: flags.country } : {}),
        });
        // One line every 10 s: what this worker applied, and how often it had to start a batch again.
        const total = emptyIngestReport();
        let shown = { applied: 0, at: performance.now() };
        const progress = flags.quiet
          ? null
          : setInterval(
              () => {
                const now = performance.now();
                const rate = ((total.applied - shown.applied) / (now - shown.at)) * 1000;
                if (total.received > 0)
                  console.error(
                    `applied ${total.applied} events (${Math.round(rate)}/s), ${total.duplicates} redelivered, ${total.profilesCreated} profiles created, ${total.profilesMerged} merged, ${total.retries} retries, ${total.deferrals} deferred`,
                  );
                shown = { applied: total.applied, at: now };
              },
              Number(process.env.TESSERA_PROGRESS_MS ?? 10_000),
            );
        const worker = await ResolverWorker.start(
          {
            url,
            ...(flags.stream ? { stream: flags.stream } : {}),
            consumer: flags.consumer,
            batch,
            ...(ackWait !== undefined ? { ackWaitSeconds: ackWait } : {}),
            onError: (e) => console.error(`error: ${(e as Error).message}`),
            deadLetter: async (event, error) => {
              await ingest.deadLetter(event, error);
              console.error(
                `event ${event.source}:${event.messageId} kept in the quarantine after failing ${flags.maxDeliveries} times: ${(error as Error).message}`,
              );
            },
            maxDeliveries: Number(flags.maxDeliveries),
          },
          async (events) => {
            const report = await ingest.apply(events);
            addReports(total, report);
            return report;
          },
        );
        console.error(
          `resolver worker ${process.pid} on ${url} (stream ${streamName(flags.stream)}, consumer ${flags.consumer}), store ${store.describe}`,
        );
        const stop = async () => {
          console.error("stopping: finishing the batch in hand");
          if (progress) clearInterval(progress);
          await worker.stop();
          await store.close();
          process.exit(0);
        };
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      },
    );

  const keys = program
    .command("keys")
    .description(
      "API keys: write keys for ingest, read keys for profiles, steward keys for review, admin keys",
    );
  keys
    .command("create")
    .description("make a key and print it (once: only its hash is stored)")
    .requiredOption("--kind <kind>", "write, read, steward or admin")
    .requiredOption("--name <name>", "what it is for")
    .option("--source <source>", "write keys: the source their events are recorded under")
    .option(
      "--scopes <list>",
      "instead of the kind's: comma-separated ingest, profiles:read, consent:write, insights, steward, admin",
    )
    .option("--rate <n>", "requests per second (burst twice that); 0 for no limit; default by kind")
    .option("--recipient <name>", "whose privacy budget the key's insights spend (default: the key id)")
    .action(
      async (flags: {
        kind: string;
        name: string;
        source?: string;
        scopes?: string;
        rate?: string;
        recipient?: string;
      }) => {
        if (!["write", "read", "steward", "admin"].includes(flags.kind))
          throw new Error(`--kind must be write, read, steward or admin, not ${flags.kind}`);
        const rate = flags.rate === undefined ? undefined : Number(flags.rate);
        if (rate !== undefined && !(Number.isFinite(rate) && rate >= 0))
          throw new Error(`--rate must be a number of requests per second ≥ 0, not ${flags.rate}`);
        await withStore(program.opts<GlobalOptions>(), async (store) => {
          const k = await createApiKey(store.db, {
            kind: flags.kind as KeyKind,
            name: flags.name,
            ...(flags.source ? { source: flags.source } : {}),
            ...(flags.scopes ? { scopes: parseScopes(flags.scopes) } : {}),
            ...(rate !== undefined ? { rateLimit: rate } : {}),
            ...(flags.recipient ? { recipient: flags.recipient } : {}),
          });
          await audit(store.db, {
            actor: cliActor(),
            action: "key.create",
            subject: k.id,
            details: { kind: k.kind, scopes: k.scopes, name: k.name },
          });
          console.error(`key ${k.id} (${k.scopes.join(", ")}); the key is shown this once:`);
          console.log(k.key);
        });
      },
    );
  keys
    .command("list")
    .description("the keys, by key id (the keys themselves are not stored)")
    .action(async () => {
      await withStore(program.opts<GlobalOptions>(), async (store) => {
        const rows = (await listApiKeys(store.db)).map((k) => [
          k.id,
          k.kind,
          k.scopes.join(","),
          k.name,
          k.source ?? "",
          k.rateLimit === null ? "default" : k.rateLimit === 0 ? "none" : `${k.rateLimit}/s`,
          k.createdAt.slice(0, 19),
          k.revokedAt ? `revoked ${k.revokedAt.slice(0, 19)}` : "",
        ]);
        console.log(table(["key id", "kind", "scopes", "name", "source", "rate", "created", ""], rows));
      });
    });
  keys
    .command("revoke <key>")
    .description("stop a key from working (give its key id or the key)")
    .action(async (key: string) => {
      await withStore(program.opts<GlobalOptions>(), async (store) => {
        if (!(await revokeApiKey(store.db, key))) throw new Error(`no active key ${key}`);
        await audit(store.db, { actor: cliActor(), action: "key.revoke", subject: key.slice(0, 16) });
        console.log("revoked");
      });
    });
  keys
    .command("rotate-encryption")
    .description(
      "re-seal every encrypted attribute under the current key (the first of TESSERA_ENCRYPTION_KEYS), and seal values written before encryption was on",
    )
    .action(async () => {
      const enc = fieldEncryptionFromEnv();
      if (!enc) throw new Error("no encryption key: set TESSERA_ENCRYPTION_KEYS (or _KEY, or _KEY_FILE)");
      await withStore(program.opts<GlobalOptions>(), async (store) => {
        const done = await rotateEncryption(store.db, (table, rows) => {
          if (process.stderr.isTTY) process.stderr.write(`\r${table}: ${rows.toLocaleString("en-US")} rows`);
        });
        if (process.stderr.isTTY) process.stderr.write("\n");
        await audit(store.db, {
          actor: cliActor(),
          action: "encryption.rotate",
          details: { key: enc.current.id, rows: done },
        });
        console.log(
          table(
            ["table", "rows re-sealed"],
            Object.entries(done).map(([t, n]) => [t, n]),
          ),
        );
        console.log(`every value is now sealed under key ${enc.current.id}; older keys may be removed`);
      });
    });
}
