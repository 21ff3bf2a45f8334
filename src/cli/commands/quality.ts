import type { Command } from "commander";
import { enrichProfiles } from "../../jobs/enrich.js";
import { loadQualitySettings, runQuality } from "../../jobs/quality.js";
import { writeQualityReport } from "../../jobs/quality-report.js";
import {
  enrichmentOf,
  listFindings,
  profileQualityOf,
  resolveFinding,
  riskiestProfiles,
} from "../../store/quality.js";
import { type GlobalOptions, withStore } from "../context.js";
import { table } from "../table.js";

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function positive(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a positive whole number, not ${value}`);
  return n;
}

export function registerQuality(program: Command): void {
  const quality = program
    .command("quality")
    .description(
      "data quality: completeness, validity, typos, generic values, likely fakes, enrichment and the report",
    );
  const progress = (json?: boolean) => (stage: string, detail?: string) => {
    if (!json) console.error(`${stage}: ${detail ?? ""}`);
  };

  quality
    .command("run")
    .description(
      "judge every record and golden profile, flag typos, generic values and likely fakes, and enrich the profiles",
    )
    .option("--settings <file>", "quality settings (JSON; see docs/quality.md)")
    .option("--no-enrich", "do not derive place, time zone, age band, tenure, channel and device")
    .option("--json", "print the figures as JSON")
    .action(async (flags: { settings?: string; enrich: boolean; json?: boolean }) => {
      await withStore(program.opts<GlobalOptions>(), async (store) => {
        const run = await runQuality(store, {
          settings: loadQualitySettings(flags.settings),
          progress: progress(flags.json),
        });
        const enriched = flags.enrich
          ? await enrichProfiles(store, { progress: progress(flags.json) })
          : null;
        if (flags.json) {
          console.log(
            JSON.stringify(
              { runId: run.runId, findings: run.findings, summary: run.summary, enrichment: enriched },
              null,
              2,
            ),
          );
          return;
        }
        const s = run.summary;
        console.log(
          table(
            [
              "source",
              "records",
              "completeness",
              "valid emails",
              "valid phones",
              "duplicates",
              "fakes",
              "generic",
            ],
            Object.entries({ ...s.sources, "(all)": s.overall }).map(([name, f]) => [
              name,
              f.records,
              pct(f.meanCompleteness),
              pct(f.validity.email.share),
              pct(f.validity.phone.share),
              f.duplicates,
              f.fakes,
              f.genericValues,
            ]),
          ),
        );
        console.log(
          `\n${s.entities.toLocaleString("en-US")} golden profiles: ${s.fakes.likely} likely fakes (${s.fakes.excluded} excluded from audiences), ${s.generic.values} generic values, ${s.profiles.likelyTypos} likely typos, ${s.profiles.withConflicts} with conflicting values`,
        );
        if (enriched)
          console.log(
            `enriched: ${enriched.derived.place} placed (time zone, region), ${enriched.derived.ageBand} age bands, ${enriched.derived.preferredChannel} preferred channels`,
          );
        console.log(
          `${run.findings.toLocaleString("en-US")} findings: tessera quality findings; the report: tessera quality report`,
        );
      });
    });

  quality
    .command("report")
    .description("the latest quality run as an HTML page with charts, and the same figures as JSON")
    .option("-o, --out <file>", "the HTML page", "quality-report.html")
    .option("--json-out <file>", "the figures as JSON (default: beside the page, .json)")
    .option("--fresh", "run the quality checks first")
    .option("--json", "print the figures as JSON too")
    .action(async (flags: { out: string; jsonOut?: string; fresh?: boolean; json?: boolean }) => {
      const json = flags.jsonOut ?? `${flags.out.replace(/\.html?$/i, "")}.json`;
      await withStore(program.opts<GlobalOptions>(), async (store) => {
        if (flags.fresh) await runQuality(store, { progress: progress(flags.json) });
        const { summary } = await writeQualityReport(store, { html: flags.out, json });
        if (flags.json) console.log(JSON.stringify(summary, null, 2));
        else console.log(`wrote ${flags.out} and ${json}`);
      });
    });

  quality
    .command("findings")
    .description("list findings: likely typos, conflicts, generic values, likely fakes, refused merges…")
    .option("--kind <kind>", "only this kind (likely_typo, conflict, generic_value, likely_fake, …)")
    .option("--subject <id>", "only about this record, entity or value")
    .option("--resolved", "the findings a steward resolved instead of the open ones")
    .option("--limit <n>", "at most this many", "50")
    .option("--json", "print JSON")
    .action(
      async (flags: {
        kind?: string;
        subject?: string;
        resolved?: boolean;
        limit: string;
        json?: boolean;
      }) => {
        await withStore(program.opts<GlobalOptions>(), async (store) => {
          const rows = await listFindings(store.db, {
            ...(flags.kind ? { kind: flags.kind } : {}),
            ...(flags.subject ? { subject: flags.subject } : {}),
            status: flags.resolved ? "resolved" : "open",
            limit: positive(flags.limit, "--limit", 50),
          });
          if (flags.json) console.log(JSON.stringify(rows, null, 2));
          else if (rows.length === 0) console.log("no findings");
          else
            console.log(
              table(
                ["id", "kind", "subject", "field", "message"],
                rows.map((f) => [f.id, f.kind, f.subject, f.field ?? "", f.message.slice(0, 120)]),
              ),
            );
        });
      },
    );

  quality
    .command("resolve")
    .description("mark a finding resolved: later runs do not raise it again")
    .argument("<id>", "the finding's id (tessera quality findings)")
    .action(async (id: string) => {
      const n = positive(id, "the finding id", 0);
      await withStore(program.opts<GlobalOptions>(), async (store) => {
        if (!(await resolveFinding(store.db, n))) throw new Error(`no finding ${id}`);
        console.log(`finding ${id} resolved`);
      });
    });

  quality
    .command("fakes")
    .description("golden profiles by fake-profile risk, with the reasons")
    .option("--min-score <score>", "only profiles at or above this risk", "0.5")
    .option("--limit <n>", "at most this many", "50")
    .option("--json", "print JSON")
    .action(async (flags: { minScore: string; limit: string; json?: boolean }) => {
      const minScore = Number(flags.minScore);
      if (!(minScore >= 0 && minScore <= 1))
        throw new Error(`--min-score must be between 0 and 1, not ${flags.minScore}`);
      await withStore(program.opts<GlobalOptions>(), async (store) => {
        const rows = await riskiestProfiles(store.db, {
          minScore,
          limit: positive(flags.limit, "--limit", 50),
        });
        if (flags.json) console.log(JSON.stringify(rows, null, 2));
        else if (rows.length === 0)
          console.log(`no profile at risk ${minScore} or more (run tessera quality run first?)`);
        else
          console.log(
            table(
              ["profile", "risk", "excluded", "reasons"],
              rows.map((r) => [
                r.entityId,
                r.fakeScore.toFixed(2),
                r.excluded ? "yes" : "no",
                r.fakeReasons
                  .map((x) => x.message)
                  .join("; ")
                  .slice(0, 140),
              ]),
            ),
          );
      });
    });

  quality
    .command("profile")
    .description("one golden profile's quality, fake-profile risk and derived values")
    .argument("<id>", "a golden id, e.g. T-42")
    .option("--json", "print JSON")
    .action(async (id: string, flags: { json?: boolean }) => {
      await withStore(program.opts<GlobalOptions>(), async (store) => {
        const q = await profileQualityOf(store.db, id);
        const derived = (await enrichmentOf(store.db, [id])).get(id) ?? [];
        const findings = await listFindings(store.db, { subject: id });
        if (!q && derived.length === 0)
          throw new Error(`no quality figures for ${id}: is it a golden id, and has tessera quality run?`);
        if (flags.json) {
          console.log(JSON.stringify({ quality: q, derived, findings }, null, 2));
          return;
        }
        if (q) {
          console.log(
            `${id}: completeness ${pct(q.completeness)}, validity ${pct(q.validity)}, ${q.conflicts} conflicting fields, last seen ${q.freshnessDays ?? "?"} days ago`,
          );
          console.log(
            `fake-profile risk ${q.fakeScore.toFixed(2)}${q.excluded ? " (excluded from audiences and insights)" : ""}`,
          );
          for (const r of q.fakeReasons) console.log(`  +${r.weight.toFixed(2)} ${r.message}`);
        }
        for (const d of derived)
          console.log(
            `derived ${d.field}: ${JSON.stringify(d.value)}  (${String(d.derivation.method ?? "")})`,
          );
        for (const f of findings) console.log(`finding #${f.id} ${f.kind}: ${f.message}`);
      });
    });

  quality
    .command("enrich")
    .description(
      "derive place, region and time zone, age band, tenure, preferred channel and device for every golden profile",
    )
    .option("--json", "print the counts as JSON")
    .action(async (flags: { json?: boolean }) => {
      await withStore(program.opts<GlobalOptions>(), async (store) => {
        const r = await enrichProfiles(store, { progress: progress(flags.json) });
        if (flags.json) console.log(JSON.stringify(r, null, 2));
        else {
          console.log(
            table(
              ["derived", "profiles"],
              Object.entries(r.derived).map(([k, v]) => [k, v]),
            ),
          );
          console.log(
            `\ntime zones: ${Object.entries(r.timeZones)
              .map(([k, v]) => `${k} ${v}`)
              .join(", ")}`,
          );
        }
      });
    });
}
