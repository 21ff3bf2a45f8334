import type { Command } from "commander";
import { LiveMatcher } from "../../jobs/live-matcher.js";
import { runServer } from "../../server/run.js";
import { createApiKey, type KeyKind, listApiKeys, revokeApiKey } from "../../store/api-keys.js";
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
      "run a resolver worker: apply events from NATS JetStream to the store (with tessera serve --no-resolver)",
    )
    .option("--nats <url>", "NATS server (default: $NATS_URL)")
    .action(async (flags: { nats?: string }) => {
      const url = flags.nats ?? process.env.NATS_URL;
      if (!url) throw new Error("a worker needs NATS: give --nats or set NATS_URL");
      const store = await openStore(locationFrom(program.opts<GlobalOptions>()));
      const { ResolverWorker } = await import("../../bus/nats.js");
      const { LiveIngest } = await import("../../jobs/ingest-events.js");
      const ingest = new LiveIngest(store);
      const worker = await ResolverWorker.start(
        {
          url,
          onBatch: (n, s) => console.error(`applied ${n} events in ${s.toFixed(2)} s`),
          onError: (e) => console.error(e),
        },
        (events) => ingest.apply(events),
      );
      console.error(`resolver worker on ${url}, store ${store.describe}`);
      const stop = async () => {
        await worker.stop();
        await store.close();
        process.exit(0);
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });

  const keys = program
    .command("keys")
    .description(
      "API keys: write keys for ingest, read keys for profiles, steward keys for review, admin keys",
    );
  keys
    .command("create")
    .description("make a key and print it")
    .requiredOption("--kind <kind>", "write, read, steward or admin")
    .requiredOption("--name <name>", "what it is for")
    .option("--source <source>", "write keys: the source their events are recorded under")
    .action(async (flags: { kind: string; name: string; source?: string }) => {
      if (!["write", "read", "steward", "admin"].includes(flags.kind))
        throw new Error(`--kind must be write, read, steward or admin, not ${flags.kind}`);
      await withStore(program.opts<GlobalOptions>(), async (store) => {
        const k = await createApiKey(store.db, {
          kind: flags.kind as KeyKind,
          name: flags.name,
          ...(flags.source ? { source: flags.source } : {}),
        });
        console.log(k.key);
      });
    });
  keys
    .command("list")
    .description("the keys (shortened)")
    .action(async () => {
      await withStore(program.opts<GlobalOptions>(), async (store) => {
        const rows = (await listApiKeys(store.db)).map((k) => [
          `${k.key.slice(0, 8)}…`,
          k.kind,
          k.name,
          k.source ?? "",
          k.createdAt.slice(0, 19),
          k.revokedAt ? `revoked ${k.revokedAt.slice(0, 19)}` : "",
        ]);
        console.log(table(["key", "kind", "name", "source", "created", ""], rows));
      });
    });
  keys
    .command("revoke <key>")
    .description("stop a key from working")
    .action(async (key: string) => {
      await withStore(program.opts<GlobalOptions>(), async (store) => {
        if (!(await revokeApiKey(store.db, key))) throw new Error(`no key ${key}`);
        console.log("revoked");
      });
    });
}
