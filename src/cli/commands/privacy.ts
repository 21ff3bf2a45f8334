import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { findEntityId } from "../../jobs/profile-api.js";
import { accessExport } from "../../privacy/access.js";
import { audit, cliActor, listAudit } from "../../privacy/audit.js";
import { getBudget, listReleases, setBudget } from "../../privacy/budget.js";
import {
  consentHistory,
  consentOf,
  consentPolicy,
  recordConsent,
  setConsentPolicy,
} from "../../privacy/consent.js";
import { erasePerson } from "../../privacy/erase.js";
import { computeInsights, type InsightResult, type Protection } from "../../privacy/insights.js";
import { type GlobalOptions, withStore } from "../context.js";
import { table } from "../table.js";

/** Commands for consent, erasure, access, audit and privacy-safe insights. */
export function registerPrivacy(program: Command): void {
  const opts = () => program.opts<GlobalOptions>();
  const consent = program
    .command("consent")
    .description("consent per purpose and channel: record, show, policy");
  consent
    .command("record <subject>")
    .description(
      "record consent for a profile (T-42) or an identifier (email:…, phone:…, user_id:…, record:src/id)",
    )
    .requiredOption("--purpose <purpose>", "marketing, analytics, profiling… or * for every purpose")
    .requiredOption("--state <state>", "granted, denied or revoked")
    .option("--channel <channel>", "email, sms, push… (default: every channel)")
    .option("--at <time>", "when it was given (default: now)")
    .option("--source <source>", "where it came from", "cli")
    .action(
      async (
        subject: string,
        f: { purpose: string; state: string; channel?: string; at?: string; source: string },
      ) => {
        await withStore(opts(), async (store) => {
          const r = await recordConsent(
            store.db,
            [
              {
                subject,
                purpose: f.purpose,
                state: f.state,
                source: f.source,
                ...(f.channel ? { channel: f.channel } : {}),
                ...(f.at ? { at: f.at } : {}),
              },
            ],
            cliActor(),
          );
          const found = await findEntityId(store, subject).catch(() => null);
          if (found)
            await audit(store.db, {
              actor: cliActor(),
              action: "consent.record",
              subject: found.id,
              details: { purpose: f.purpose, channel: f.channel ?? "*", state: f.state },
            });
          console.log(
            `recorded ${r.recorded} statement${r.recorded === 1 ? "" : "s"}${found ? ` (profile ${found.id})` : " (no profile holds it yet; it applies once one does)"}`,
          );
        });
      },
    );
  consent
    .command("show <profile>")
    .description("a profile's consent now, and with --history every statement")
    .option("--history", "every statement, oldest first")
    .action(async (ref: string, f: { history?: boolean }) => {
      await withStore(opts(), async (store) => {
        const found = await findEntityId(store, ref);
        if (!found) throw new Error(`no profile ${ref}`);
        const rows = f.history
          ? await consentHistory(store.db, found.id)
          : await consentOf(store.db, found.id);
        if (rows.length === 0) {
          const p = await consentPolicy(store.db);
          console.log(`${found.id}: no consent recorded (policy: ${p.default})`);
          return;
        }
        console.log(
          table(
            ["purpose", "channel", "state", "at", "source"],
            rows.map((r) => [r.purpose, r.channel ?? "*", r.state, r.at.slice(0, 19), r.source]),
          ),
        );
      });
    });
  consent
    .command("policy")
    .description("what no recorded consent means: allow (opt-out regime) or deny (opt-in, as GDPR marketing)")
    .option("--default <allow|deny>", "for every purpose")
    .option("--purpose <purpose=allow|deny...>", "for one purpose")
    .action(async (f: { default?: string; purpose?: string[] }) => {
      await withStore(opts(), async (store) => {
        const p = await consentPolicy(store.db);
        if (f.default === undefined && !f.purpose) {
          console.log(JSON.stringify(p, null, 2));
          return;
        }
        if (f.default !== undefined) {
          if (f.default !== "allow" && f.default !== "deny")
            throw new Error(`--default must be allow or deny, not ${f.default}`);
          p.default = f.default;
        }
        for (const kv of f.purpose ?? []) {
          const [k, v] = kv.split("=");
          if (!k || (v !== "allow" && v !== "deny"))
            throw new Error(`--purpose takes purpose=allow or purpose=deny, not ${kv}`);
          p.purposes[k.toLowerCase()] = v;
        }
        await setConsentPolicy(store.db, p);
        await audit(store.db, { actor: cliActor(), action: "consent.policy", details: p });
        console.log(JSON.stringify(p, null, 2));
      });
    });

  program
    .command("erase <profile>")
    .description(
      "erase a person everywhere (right to erasure); keeps only salted hashes of their identifiers and prints the receipt",
    )
    .option("--reason <text>", "why (kept in the receipt)")
    .option("--yes", "do not ask (required when not on a terminal)")
    .option("-o, --out <file>", "write the receipt as JSON")
    .action(async (ref: string, f: { reason?: string; yes?: boolean; out?: string }) => {
      await withStore(opts(), async (store) => {
        const found = await findEntityId(store, ref);
        if (!found) throw new Error(`no profile ${ref}`);
        if (!f.yes) {
          if (!process.stdin.isTTY) throw new Error("erasure cannot be undone: give --yes to confirm");
          const { createInterface } = await import("node:readline/promises");
          const rl = createInterface({ input: process.stdin, output: process.stderr });
          const answer = await rl.question(
            `erase ${found.id} and everything linked to it? type the id to confirm: `,
          );
          rl.close();
          if (answer.trim() !== found.id) throw new Error("not confirmed; nothing erased");
        }
        const r = await erasePerson(store, ref, {
          by: cliActor(),
          ...(f.reason ? { reason: f.reason } : {}),
        });
        console.log(`erased ${r.profiles.join(", ")} (${r.records} records) — receipt ${r.id}`);
        console.log(
          table(
            ["table", "rows deleted"],
            Object.entries(r.deleted)
              .sort()
              .map(([t, n]) => [t, n]),
          ),
        );
        console.log(
          `${r.identifiers.length} identifiers kept as salted hashes; ${r.sharedWithOthers} shared with other profiles left alone`,
        );
        if (r.residue.length > 0)
          console.log(
            `still found in kept tables: ${r.residue.map((x) => `${x.table}.${x.column} (${x.rows})`).join(", ")}`,
          );
        if (f.out) writeFileSync(f.out, `${JSON.stringify(r, null, 2)}\n`);
      });
    });

  program
    .command("access <profile>")
    .description("right of access: everything held on a person as one JSON document")
    .option("-o, --out <file>", "write it to a file (default: standard output)")
    .action(async (ref: string, f: { out?: string }) => {
      await withStore(opts(), async (store) => {
        const doc = await accessExport(store, ref, { by: cliActor() });
        if (!doc) throw new Error(`no profile ${ref}`);
        const text = `${JSON.stringify(doc, null, 2)}\n`;
        if (f.out) {
          writeFileSync(f.out, text);
          console.error(
            `wrote ${f.out}: ${doc.records.length} records, ${doc.events.length} events, ${Object.keys(doc.related).length} related tables`,
          );
        } else process.stdout.write(text);
      });
    });

  program
    .command("audit")
    .description("the audit log: full-profile reads and every change, with who did it")
    .option("--subject <id>", "a golden id, key id or recipient")
    .option("--action <action>", "profile.read, profile.erase, consent.record, key.create…")
    .option("--actor <actor>", "a key id or cli:<user>")
    .option("--since <time>", "from this time")
    .option("--limit <n>", "at most this many", "100")
    .option("--json", "as JSON lines")
    .action(
      async (f: {
        subject?: string;
        action?: string;
        actor?: string;
        since?: string;
        limit: string;
        json?: boolean;
      }) => {
        await withStore(opts(), async (store) => {
          const rows = await listAudit(store.db, {
            ...(f.subject ? { subject: f.subject } : {}),
            ...(f.action ? { action: f.action } : {}),
            ...(f.actor ? { actor: f.actor } : {}),
            ...(f.since ? { since: f.since } : {}),
            limit: Number(f.limit),
          });
          if (f.json) for (const r of rows) console.log(JSON.stringify(r));
          else
            console.log(
              table(
                ["#", "at", "actor", "action", "subject", "details"],
                rows.map((r) => [
                  r.id,
                  r.at.slice(0, 19),
                  r.actor,
                  r.action,
                  r.subject ?? "",
                  r.details ? JSON.stringify(r.details).slice(0, 80) : "",
                ]),
              ),
            );
        });
      },
    );

  const insights = program
    .command("insights")
    .description(
      "privacy-safe aggregates by geography, age band, spend band, segment…: small-cell suppression (default, k = 10) or differential privacy (--dp)",
    )
    .option(
      "--by <dims>",
      "comma-separated: country, region, city, gender, age_band, source, segment:<audience>, band:<value>:<edges>, enrichment:<field>",
      "",
    )
    .option(
      "--measure <m...>",
      "count, sum:<value>, mean:<value>, histogram:<value>:<edges>; value: score:<name>, events, revenue, age, records",
      ["count"],
    )
    .option("--min-cell <k>", "hide cells of fewer people (with complementary suppression)")
    .option("--dp <mechanism>", "laplace or gaussian: add calibrated noise, charged to --recipient's budget")
    .option("--epsilon <ε>", "with --dp: the ε this release spends")
    .option("--delta <δ>", "with --dp: the δ it spends (the Gaussian and open domains need one)")
    .option("--recipient <name>", "with --dp: whose budget pays")
    .option(
      "--clip <value=lo,hi...>",
      "the range each person's value is clipped to (sums and means under --dp)",
    )
    .option("--json", "the result as JSON")
    .action(
      async (f: {
        by: string;
        measure: string[];
        minCell?: string;
        dp?: string;
        epsilon?: string;
        delta?: string;
        recipient?: string;
        clip?: string[];
        json?: boolean;
      }) => {
        const clip: Record<string, [number, number]> = {};
        for (const c of f.clip ?? []) {
          const eq = c.lastIndexOf("=");
          const [lo, hi] = c
            .slice(eq + 1)
            .split(",")
            .map(Number);
          if (eq <= 0 || !Number.isFinite(lo) || !Number.isFinite(hi))
            throw new Error(`--clip takes value=low,high, not ${c}`);
          clip[c.slice(0, eq)] = [lo as number, hi as number];
        }
        let protection: Protection;
        if (f.dp) {
          if (f.dp !== "laplace" && f.dp !== "gaussian")
            throw new Error(`--dp is laplace or gaussian, not ${f.dp}`);
          if (!f.epsilon || !f.recipient) throw new Error("--dp needs --epsilon and --recipient");
          protection = {
            kind: "dp",
            mechanism: f.dp,
            epsilon: Number(f.epsilon),
            recipient: f.recipient,
            ...(f.delta ? { delta: Number(f.delta) } : {}),
            ...(f.minCell ? { minCell: Number(f.minCell) } : {}),
          };
        } else protection = { kind: "suppression", ...(f.minCell ? { minCell: Number(f.minCell) } : {}) };
        await withStore(opts(), async (store) => {
          const r = await computeInsights(store, {
            by: f.by ? f.by.split(",").map((x) => x.trim()) : [],
            measures: f.measure,
            clip,
            protection,
          });
          await audit(store.db, {
            actor: cliActor(),
            action: "insights.release",
            subject: protection.kind === "dp" ? protection.recipient : null,
            details: { by: r.by, measures: r.measures, protection: protection.kind },
          });
          if (f.json) console.log(JSON.stringify(r, null, 2));
          else console.log(drawInsights(r));
        });
      },
    );
  insights
    .command("budget <recipient>")
    .description("a recipient's (ε, δ) budget and releases; --set to change it")
    .option("--set <ε,δ>", "the total budget, e.g. 1,1e-6")
    .action(async (recipient: string, f: { set?: string }) => {
      await withStore(opts(), async (store) => {
        if (f.set) {
          const [e, d] = f.set.split(",").map(Number);
          await setBudget(store, recipient, e as number, d ?? 0);
          await audit(store.db, {
            actor: cliActor(),
            action: "budget.set",
            subject: recipient,
            details: { epsilon: e, delta: d },
          });
        }
        const b = await getBudget(store, recipient);
        console.log(
          `${recipient}: ε ${b.spentEpsilon} of ${b.epsilon} spent (${b.remainingEpsilon} left), δ ${b.spentDelta} of ${b.delta}; ${b.releases} releases`,
        );
        const rows = (await listReleases(store.db, recipient)).map((x) => [
          x.at.slice(0, 19),
          x.mechanism,
          x.epsilon,
          x.delta,
          JSON.stringify(x.query).slice(0, 70),
        ]);
        if (rows.length > 0) console.log(table(["at", "mechanism", "ε", "δ", "query"], rows));
      });
    });
}

/** The result as a table with a bar per cell's count. */
function drawInsights(r: InsightResult): string {
  const max = Math.max(1, ...r.cells.map((c) => c.count ?? 0));
  const extra = r.measures.filter((m) => m !== "count");
  const rows = r.cells.map((c) => [
    ...r.by.map((d) => c.key[d] ?? ""),
    c.count === null ? `(${c.suppressed === "primary" ? "small" : "hidden"})` : c.count,
    ...extra.map((m) => {
      const [kind, ...rest] = m.split(":");
      const v = kind === "histogram" ? rest.slice(0, -1).join(":") : rest.join(":");
      const x = kind === "sum" ? c.sums?.[v] : kind === "mean" ? c.means?.[v] : c.histograms?.[m]?.join(" ");
      return x === null || x === undefined
        ? "–"
        : typeof x === "number"
          ? (Math.round(x * 100) / 100).toLocaleString("en-US")
          : x;
    }),
    !c.count ? "" : "█".repeat(Math.max(1, Math.round((30 * c.count) / max))),
  ]);
  const lines = [table([...r.by, "count", ...extra, ""], rows)];
  for (const t of r.totals)
    lines.push(
      `total${
        Object.keys(t.key).length
          ? ` ${Object.entries(t.key)
              .map(([k, v]) => `${k}=${v}`)
              .join(" ")}`
          : ""
      }: ${t.count ?? "(withheld)"}`,
    );
  if (r.budget)
    lines.push(
      `budget of ${r.budget.recipient}: ε ${r.budget.remainingEpsilon} and δ ${r.budget.remainingDelta} left`,
    );
  for (const n of r.notes) lines.push(`note: ${n}`);
  return lines.join("\n");
}
