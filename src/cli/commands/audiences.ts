import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { parseTraitDefinition } from "../../analytics/computed-traits.js";
import { rebuildAudiences } from "../../jobs/audience-live.js";
import { runMicroSegments } from "../../jobs/audience-microsegments.js";
import { computeTraits, defineTrait, removeTrait } from "../../jobs/computed-traits.js";
import { decide } from "../../jobs/decide.js";
import { profileId, readPolicy, recordMessageResponse, recordSent, writePolicy } from "../../jobs/ledger.js";
import { exportLines } from "../../jobs/segment-export.js";
import {
  createSegment,
  deleteSegment,
  type EvaluationReport,
  estimateRule,
  evaluateSegment,
  SegmentError,
  updateSegment,
} from "../../jobs/segments.js";
import {
  computedTraitsOf,
  getSegment,
  listSegments,
  listTraitDefinitions,
  segmentMemberPage,
} from "../../store/audiences.js";
import { ledgerSummary } from "../../store/ledger.js";
import type { Store } from "../../store/open-store.js";
import { type GlobalOptions, withStore } from "../context.js";
import { terminalProgress } from "../progress-bar.js";
import { table } from "../table.js";
import { armsTable, nameList, strategyOption, wholeNumber } from "./decision-view.js";

/** Commands for computed traits, segments, RFM, micro-segments, the message ledger and contact decisions. */

/** JSON given inline or as @file. */
function jsonArg(text: string, what: string): unknown {
  const raw = text.startsWith("@") ? readFileSync(text.slice(1), "utf8") : text;
  try {
    return JSON.parse(raw);
  } catch (e) {
    throw new Error(`${what} is not valid JSON: ${(e as Error).message}`);
  }
}

function bar(value: number, max: number, width = 40): string {
  const n = max > 0 ? Math.round((value / max) * width) : 0;
  return "█".repeat(n) || (value > 0 ? "▏" : "");
}

function explainSegmentError(e: unknown): never {
  if (e instanceof SegmentError && e.issues.length > 0)
    throw new Error(`${e.message}\n${e.issues.map((i) => `  ${i.path || "rule"}: ${i.message}`).join("\n")}`);
  throw e;
}

function printEvaluation(r: EvaluationReport): void {
  console.log(
    `${r.segment.id} ${r.segment.name}: ${r.size.toLocaleString("en-US")} members (${r.entered} entered, ${r.left} left); loaded in ${Math.round(r.loadMs)} ms, evaluated in ${r.evaluateMs.toFixed(1)} ms`,
  );
}

export function registerAudiences(program: Command): void {
  const opts = () => program.opts<GlobalOptions>();
  const run = <T>(work: (store: Store) => Promise<T>) => withStore(opts(), work);

  // ── computed traits ─────────────────────────────────────────────────────────────────────────────────────
  const traits = program
    .command("traits")
    .description("computed traits: per-profile values derived from events");
  traits
    .command("list")
    .description("the computed-trait definitions")
    .action(() =>
      run(async (store) => {
        const list = await listTraitDefinitions(store.db);
        if (list.length === 0)
          return console.log("no computed traits (define one: tessera traits define @trait.json)");
        console.log(
          table(
            ["name", "definition", "computed"],
            list.map((t) => [t.name, JSON.stringify(t.definition), t.computedAt ?? "never"]),
          ),
        );
      }),
    );
  traits
    .command("define")
    .description("define (or redefine) a computed trait from JSON (inline or @file) and compute it")
    .argument(
      "<json>",
      'e.g. {"name":"spend_90d","kind":"sum","event":"Order Completed","property":"revenue","withinDays":90}',
    )
    .action((json: string) =>
      run(async (store) => {
        const r = await defineTrait(store, jsonArg(json, "the definition"), { progress: terminalProgress() });
        console.log(
          `${r.definition.name}: ${r.run?.values.toLocaleString("en-US")} values over ${r.run?.events.toLocaleString("en-US")} events in ${r.run?.ms} ms`,
        );
      }),
    );
  traits
    .command("check")
    .description("check a definition without storing it")
    .argument("<json>")
    .action((json: string) => {
      const d = parseTraitDefinition(jsonArg(json, "the definition"));
      console.log(`${d.name}: valid (${d.kind})`);
    });
  traits
    .command("compute")
    .description("recompute computed traits over every stored event (all, or those named)")
    .argument("[names...]")
    .action((names: string[]) =>
      run(async (store) => {
        const r = await computeTraits(store, {
          ...(names.length > 0 ? { names } : {}),
          progress: terminalProgress(),
        });
        console.log(
          `${r.traits.join(", ") || "no traits"}: ${r.values.toLocaleString("en-US")} values for ${r.profiles.toLocaleString("en-US")} profiles from ${r.events.toLocaleString("en-US")} events in ${r.ms} ms`,
        );
      }),
    );
  traits
    .command("show")
    .description("a profile's computed traits")
    .argument("<profile>", "T-42, email:…, user_id:…")
    .action((ref: string) =>
      run(async (store) => {
        const id = await profileId(store, ref);
        const values = await computedTraitsOf(store.db, id);
        console.log(
          table(
            ["trait", "value"],
            Object.entries(values).map(([k, v]) => [k, JSON.stringify(v)]),
          ),
        );
      }),
    );
  traits
    .command("delete")
    .argument("<name>")
    .action((name: string) =>
      run(async (store) => {
        if (!(await removeTrait(store, name))) throw new Error(`no computed trait "${name}"`);
        console.log(`deleted ${name}`);
      }),
    );

  // ── segments ───────────────────────────────────────────────────────────────────────────────────────────
  const segments = program
    .command("segments")
    .description("segments: rules over profiles, kept current live");
  segments.command("list").action(() =>
    run(async (store) => {
      const list = await listSegments(store.db);
      if (list.length === 0) return console.log("no segments");
      const max = Math.max(...list.map((s) => s.size));
      console.log(
        table(
          ["id", "name", "size", "", "evaluated"],
          list.map((s) => [s.id, s.name, s.size, bar(s.size, max, 30), s.evaluatedAt ?? "never"]),
        ),
      );
    }),
  );
  segments
    .command("create")
    .description("create a segment from a rule (JSON inline or @file); see docs/audiences.md")
    .requiredOption("--name <name>")
    .requiredOption("--rule <json>")
    .option("--description <text>")
    .action((f: { name: string; rule: string; description?: string }) =>
      run(async (store) => {
        try {
          const r = await createSegment(store, {
            name: f.name,
            rule: jsonArg(f.rule, "the rule"),
            ...(f.description ? { description: f.description } : {}),
          });
          printEvaluation(r.evaluation);
        } catch (e) {
          explainSegmentError(e);
        }
      }),
    );
  segments
    .command("update")
    .argument("<id>")
    .option("--name <name>")
    .option("--rule <json>")
    .action((id: string, f: { name?: string; rule?: string }) =>
      run(async (store) => {
        try {
          const r = await updateSegment(store, id, {
            ...(f.name ? { name: f.name } : {}),
            ...(f.rule ? { rule: jsonArg(f.rule, "the rule") } : {}),
          });
          if (r.evaluation) printEvaluation(r.evaluation);
          else console.log(`${r.segment.id} ${r.segment.name}: ${r.segment.size} members`);
        } catch (e) {
          explainSegmentError(e);
        }
      }),
    );
  segments
    .command("estimate")
    .description("how many profiles a rule selects now, without saving it")
    .argument("<rule>", "JSON inline or @file")
    .action((rule: string) =>
      run(async (store) => {
        try {
          const e = await estimateRule(store, jsonArg(rule, "the rule"));
          console.log(
            `${e.sampled ? "≈ " : ""}${e.size.toLocaleString("en-US")}${e.sampled ? ` ± ${e.margin.toLocaleString("en-US")}` : ""} of ${e.total.toLocaleString("en-US")} profiles (${e.ms} ms${e.sampled ? ", from a sample" : ""})`,
          );
        } catch (e) {
          explainSegmentError(e);
        }
      }),
    );
  segments
    .command("show")
    .argument("<id>")
    .option("--limit <n>", "members to list", "20")
    .action((id: string, f: { limit: string }) =>
      run(async (store) => {
        const s = await getSegment(store.db, id);
        if (!s) throw new Error(`no segment ${id}`);
        console.log(
          `${s.id} ${s.name}: ${s.size.toLocaleString("en-US")} members; rule ${JSON.stringify(s.rule)}`,
        );
        const page = await segmentMemberPage(store.db, id, { limit: Number(f.limit) });
        console.log(
          table(
            ["member", "since"],
            page.members.map((m) => [m.entityId, m.since]),
          ),
        );
      }),
    );
  segments
    .command("refresh")
    .description("re-evaluate segments over every profile now (all, or those named)")
    .argument("[ids...]")
    .action((ids: string[]) =>
      run(async (store) => {
        for (const s of await listSegments(store.db))
          if (ids.length === 0 || ids.includes(s.id))
            printEvaluation(await evaluateSegment(store, s, { cause: "refresh asked for" }));
      }),
    );
  segments
    .command("export")
    .description("export the contactable members as CSV or JSON lines")
    .argument("<id>")
    .option("--format <format>", "csv or jsonl", "csv")
    .option("--purpose <purpose>", "consent purpose", "marketing")
    .option("--channel <channel>", "consent channel (email, sms…)")
    .option("-o, --out <file>", "write there (default: standard output)")
    .action((id: string, f: { format: "csv" | "jsonl"; purpose: string; channel?: string; out?: string }) =>
      run(async (store) => {
        const tally = { exported: 0, withheld: {} as Record<string, number> };
        const chunks: string[] = [];
        for await (const c of exportLines(
          store,
          id,
          f.format,
          { purpose: f.purpose, ...(f.channel ? { channel: f.channel } : {}) },
          tally,
        ))
          if (f.out) chunks.push(c);
          else process.stdout.write(c);
        if (f.out) writeFileSync(f.out, chunks.join(""));
        const withheld = Object.entries(tally.withheld);
        console.error(
          `${tally.exported.toLocaleString("en-US")} exported${withheld.length > 0 ? `; left out: ${withheld.map(([r, n]) => `${n} (${r})`).join(", ")}` : ""}`,
        );
      }),
    );
  segments
    .command("delete")
    .argument("<id>")
    .action((id: string) =>
      run(async (store) => {
        if (!(await deleteSegment(store, id))) throw new Error(`no segment ${id}`);
        console.log(`deleted ${id}`);
      }),
    );

  // ── RFM and micro-segments ─────────────────────────────────────────────────────────────────────────────
  program
    .command("rfm")
    .description(
      "RFM scores (quintiles 1–5, ties to the lower bucket) from purchase events, as the computed trait rfm",
    )
    .option("--event <name>", "the purchase event", "Order Completed")
    .option("--property <name>", "the amount property", "revenue")
    .option("--name <name>", "the trait's name", "rfm")
    .action((f: { event: string; property: string; name: string }) =>
      run(async (store) => {
        const r = await defineTrait(
          store,
          { name: f.name, kind: "rfm", event: f.event, property: f.property },
          { progress: terminalProgress() },
        );
        const rows = await store.db
          .selectFrom("computed_trait_value")
          .select("value")
          .where("name", "=", f.name)
          .execute();
        const counts = { r: [0, 0, 0, 0, 0], f: [0, 0, 0, 0, 0], m: [0, 0, 0, 0, 0] };
        const cells = new Map<string, number>();
        for (const row of rows) {
          const v = (typeof row.value === "string" ? JSON.parse(row.value) : row.value).v as {
            r: number;
            f: number;
            m: number;
            score: string;
          };
          counts.r[v.r - 1]!++;
          counts.f[v.f - 1]!++;
          counts.m[v.m - 1]!++;
          cells.set(v.score, (cells.get(v.score) ?? 0) + 1);
        }
        console.log(
          `${r.run?.profiles.toLocaleString("en-US")} buyers scored from ${r.run?.events.toLocaleString("en-US")} events\n`,
        );
        const max = Math.max(...counts.r, ...counts.f, ...counts.m);
        for (const k of ["r", "f", "m"] as const) {
          console.log(k === "r" ? "recency" : k === "f" ? "frequency" : "monetary");
          for (let q = 5; q >= 1; q--)
            console.log(
              `  ${q} ${bar(counts[k][q - 1] ?? 0, max)} ${(counts[k][q - 1] ?? 0).toLocaleString("en-US")}`,
            );
        }
        const top = [...cells].sort((a, b) => b[1] - a[1]).slice(0, 10);
        console.log(
          `\n${table(
            ["RFM", "profiles"],
            top.map(([s, n]) => [s, n]),
          )}`,
        );
      }),
    );

  program
    .command("microsegments")
    .description("cluster profiles by behaviour and RFM (k-means, k by silhouette) and describe each cluster")
    .option("--min-k <n>", "fewest clusters", "2")
    .option("--max-k <n>", "most clusters", "8")
    .option("--seed <n>", "random seed", "1")
    .option("--json", "print JSON")
    .action((f: { minK: string; maxK: string; seed: string; json?: boolean }) =>
      run(async (store) => {
        const r = await runMicroSegments(store, {
          minK: Number(f.minK),
          maxK: Number(f.maxK),
          seed: Number(f.seed),
          progress: terminalProgress(),
        });
        if (f.json) return console.log(JSON.stringify(r, null, 2));
        console.log(
          `${r.profiles.toLocaleString("en-US")} profiles (fitted on ${r.sampled.toLocaleString("en-US")}) → k = ${r.k}; silhouette by k: ${r.tried.map((t) => `${t.k}: ${t.silhouette.toFixed(3)}`).join(", ")}\n`,
        );
        const max = Math.max(...r.clusters.map((c) => c.size));
        console.log(
          table(
            ["cluster", "profiles", "", "what sets it apart"],
            r.clusters.map((c) => [c.cluster, c.size, bar(c.size, max, 24), c.label]),
          ),
        );
        for (const c of r.clusters) {
          console.log(`\ncluster ${c.cluster} (${(c.share * 100).toFixed(1)} %)`);
          for (const d of c.distinctive) {
            const width = Math.min(20, Math.round(Math.abs(d.z) * 8));
            const drawn =
              d.z >= 0
                ? `${" ".repeat(20)}│${"█".repeat(width)}`
                : `${" ".repeat(20 - width)}${"█".repeat(width)}│`;
            console.log(
              `  ${d.feature.padEnd(14)} ${drawn.padEnd(41)} z ${d.z >= 0 ? "+" : ""}${d.z.toFixed(2)}  (mean ${d.mean.toFixed(1)} vs ${d.overall.toFixed(1)})`,
            );
          }
        }
      }),
    );

  // ── ledger and decisions ───────────────────────────────────────────────────────────────────────────────
  const ledger = program
    .command("ledger")
    .description("the message ledger, the contact policy and decisions");
  ledger
    .command("send")
    .description("record a message sent")
    .argument("<profile>")
    .requiredOption("--channel <channel>")
    .option("--campaign <name>")
    .option("--template <name>")
    .option("--key <messageKey>")
    .option("--at <time>")
    .action(
      (
        ref: string,
        f: { channel: string; campaign?: string; template?: string; key?: string; at?: string },
      ) =>
        run(async (store) => {
          const r = await recordSent(store, {
            profile: ref,
            channel: f.channel,
            ...(f.campaign ? { campaign: f.campaign } : {}),
            ...(f.template ? { template: f.template } : {}),
            ...(f.key ? { messageKey: f.key } : {}),
            ...(f.at ? { sentAt: f.at } : {}),
          });
          console.log(
            `${r.created ? "recorded" : "already recorded"}: message ${r.message.id} to ${r.message.entityId} on ${r.message.channel}`,
          );
        }),
    );
  ledger
    .command("respond")
    .description("record a response to a message (its id, or key:<message key>)")
    .argument("<message>")
    .requiredOption(
      "--kind <kind>",
      "delivered, bounced, opened, clicked, converted, unsubscribed, complained",
    )
    .option("--at <time>")
    .action((ref: string, f: { kind: string; at?: string }) =>
      run(async (store) => {
        const r = await recordMessageResponse(store, ref, { kind: f.kind, ...(f.at ? { at: f.at } : {}) });
        console.log(`recorded ${f.kind} for message ${r.message.id}`);
      }),
    );
  ledger
    .command("summary")
    .description("messages and responses per campaign and channel")
    .option("--since <time>")
    .action((f: { since?: string }) =>
      run(async (store) => {
        const rows = await ledgerSummary(store.db, f.since);
        const kinds = ["opened", "clicked", "converted", "unsubscribed", "complained"];
        console.log(
          table(
            ["campaign", "channel", "sent", ...kinds.map((k) => `${k} %`)],
            rows.map((r) => [
              r.campaign ?? "—",
              r.channel,
              r.sent,
              ...kinds.map((k) => (r.sent > 0 ? (((r.responses[k] ?? 0) / r.sent) * 100).toFixed(1) : "")),
            ]),
          ),
        );
      }),
    );
  ledger
    .command("policy")
    .description("show the contact policy, or replace it (JSON inline or @file)")
    .option("--set <json>")
    .action((f: { set?: string }) =>
      run(async (store) => {
        const p = f.set ? await writePolicy(store, jsonArg(f.set, "the policy")) : await readPolicy(store);
        console.log(JSON.stringify(p, null, 2));
      }),
    );
  program
    .command("decide")
    .description(
      "whether, and on which channel, profiles may be messaged now: the contact policy's checks, then Thompson sampling over the ledger's responses among the allowed channels",
    )
    .argument("<profiles...>", "golden ids, aliases or type:value (email:…)")
    .option("--channels <list>", "comma-separated, in order of preference (default the policy's)")
    .option("--at <time>", "decide for this moment (default now)")
    .option("--purpose <name>", "consent purpose (default the policy's)")
    .option("--strategy <name>", "thompson (default) or preference (the first allowed channel)")
    .option(
      "--success <kinds>",
      "responses that count as a success (default the policy's: clicked,converted)",
    )
    .option("--by-message", "choose a campaign too, not only a channel")
    .option("--since-days <n>", "only messages sent in the last N days count")
    .option("--seed <n>", "seed the draw (the same seed and ledger give the same answer)")
    .option("--save", "keep each decision with its evidence (channel_decision)")
    .option("--json", "print the answers as JSON")
    .action(
      (
        refs: string[],
        f: {
          channels?: string;
          at?: string;
          purpose?: string;
          strategy?: string;
          success?: string;
          byMessage?: boolean;
          sinceDays?: string;
          seed?: string;
          save?: boolean;
          json?: boolean;
        },
      ) =>
        run(async (store) => {
          const channels = nameList(f.channels);
          const success = nameList(f.success);
          const strategy = strategyOption(f.strategy);
          const seed = wholeNumber(f.seed, "--seed");
          const sinceDays = f.sinceDays === undefined ? undefined : Number(f.sinceDays);
          if (sinceDays !== undefined && !(sinceDays > 0))
            throw new Error(`--since-days must be a positive number, not ${f.sinceDays}`);
          const answers = [];
          for (const [i, ref] of refs.entries()) {
            answers.push(
              await decide(
                store,
                {
                  profile: ref,
                  ...(channels ? { channels } : {}),
                  ...(f.at ? { at: f.at } : {}),
                  ...(f.purpose ? { purpose: f.purpose } : {}),
                  ...(strategy ? { strategy } : {}),
                  ...(success ? { success } : {}),
                  ...(f.byMessage ? { byMessage: true } : {}),
                  ...(sinceDays !== undefined ? { sinceDays } : {}),
                  ...(seed !== undefined ? { seed: seed + i } : {}),
                },
                { ...(f.save ? { save: true } : {}) },
              ),
            );
          }
          if (f.json) {
            console.log(JSON.stringify(refs.length === 1 ? answers[0] : answers, null, 2));
            return;
          }
          for (const d of answers) {
            console.log(
              `${d.profile}: ${d.allowed ? `yes, on ${d.channel}${d.message ? ` / ${d.message}` : ""}` : "no"}${d.nextAllowedAt ? ` (next possible ${d.nextAllowedAt})` : ""} — time zone ${d.timeZone}`,
            );
            console.log(
              table(
                ["channel", "allowed", "reason"],
                d.checks.map((c) => [c.channel, c.allowed ? "yes" : "no", c.reason]),
              ),
            );
            if (d.choice) {
              console.log(
                `\nchosen by ${d.choice.strategy === "thompson" ? "Thompson sampling" : "preference"}; success = ${d.choice.success.join(" or ")}`,
              );
              console.log(
                armsTable(
                  d.choice.arms,
                  d.channel === null ? null : d.message ? `${d.channel}/${d.message}` : d.channel,
                ),
              );
            }
            if (answers.length > 1) console.log("");
          }
        }),
    );

  program
    .command("audiences")
    .description("audience maintenance")
    .command("rebuild")
    .description("rebuild the event rollup, every computed trait and every segment from the stored events")
    .action(() =>
      run(async (store) => {
        const r = await rebuildAudiences(store);
        console.log(
          `rollup ${r.rollupRows.toLocaleString("en-US")} rows; traits ${r.traits.join(", ") || "none"}; ${r.ms} ms`,
        );
        for (const s of r.segments) printEvaluation(s);
      }),
    );
}
