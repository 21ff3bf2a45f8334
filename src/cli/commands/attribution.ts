import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import type { ChannelRule } from "../../analytics/attribution/channel-rules.js";
import {
  allModels,
  isModelName,
  type ModelCredit,
  type ModelName,
} from "../../analytics/attribution/credit.js";
import type { Learner, UpliftMethod } from "../../analytics/uplift/models.js";
import { terminalQini, upliftReportHtml } from "../../analytics/uplift/report.js";
import {
  type AttributionJobOptions,
  attributionFromCsv,
  attributionFromStore,
  type JobReport,
  saveAttribution,
} from "../../jobs/attribution.js";
import { decideChannels, evaluateOpenBandit, type OpenBanditReport } from "../../jobs/bandit.js";
import { silentProgress } from "../../jobs/progress.js";
import { type UpliftReport, upliftCurveSets, upliftFromFile } from "../../jobs/uplift.js";
import { type GlobalOptions, withStore } from "../context.js";
import { terminalProgress } from "../progress-bar.js";
import { table } from "../table.js";
import { armsTable, nameList, strategyOption, wholeNumber } from "./decision-view.js";

const labels: Record<ModelName, string> = {
  first_touch: "first",
  last_touch: "last",
  linear: "linear",
  time_decay: "decay",
  position_based: "position",
  markov_1: "markov 1",
  markov_2: "markov 2",
  markov_3: "markov 3",
  shapley: "shapley",
};

function modelList(value: string | undefined): ModelName[] | undefined {
  if (!value) return undefined;
  const names = value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const n of names)
    if (!isModelName(n)) throw new Error(`--models: "${n}" is not one of ${allModels.join(", ")}`);
  return names as ModelName[];
}

function positive(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} must be a positive number, not ${value}`);
  return n;
}

function loadRules(path: string | undefined): ChannelRule[] | undefined {
  if (!path) return undefined;
  let rules: unknown;
  try {
    rules = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new Error(`--rules ${path}: ${(e as Error).message}`);
  }
  if (!Array.isArray(rules))
    throw new Error(`--rules ${path}: expected a JSON array of {channel, medium?, source?, referrer?}`);
  rules.forEach((r, i) => {
    if (typeof r?.channel !== "string") throw new Error(`--rules ${path}: rule ${i + 1} has no "channel"`);
  });
  return rules as ChannelRule[];
}

const fmt = (x: number) =>
  x.toLocaleString("en-US", { maximumFractionDigits: Math.abs(x) >= 100 ? 0 : 1, minimumFractionDigits: 0 });

/** A horizontal bar per channel: its credit under one model, with its share. */
export function creditBars(m: ModelCredit, measure: "conversions" | "value", width = 40): string {
  const rows = [...m.credits].sort((a, b) => b[measure] - a[measure]);
  const total = rows.reduce((s, r) => s + r[measure], 0);
  const max = Math.max(1e-12, ...rows.map((r) => Math.abs(r[measure])));
  const nameWidth = Math.max(...rows.map((r) => r.channel.length), 7);
  const numbers = rows.map((r) => fmt(r[measure]));
  const numWidth = Math.max(...numbers.map((n) => n.length));
  return rows
    .map((r, i) => {
      const exact = (Math.abs(r[measure]) / max) * width;
      const full = Math.floor(exact);
      const eighths = Math.round((exact - full) * 8);
      const bar = "█".repeat(full) + (eighths > 0 ? (" ▏▎▍▌▋▊▉█"[eighths] ?? "") : "");
      const share = total > 0 ? ((100 * r[measure]) / total).toFixed(1).padStart(5) : "  –  ";
      return `${r.channel.padEnd(nameWidth)}  ${bar.padEnd(width + 1)} ${(numbers[i] ?? "").padStart(numWidth)}  ${share} %`;
    })
    .join("\n");
}

export function printAttribution(
  report: JobReport,
  chart: ModelName | undefined,
  measure: "conversions" | "value",
): void {
  const money = (x: number) => x.toLocaleString("en-US", { maximumFractionDigits: 2 });
  console.log(
    `${report.input}: ${report.journeys.toLocaleString("en-US")} journeys on ${report.paths.toLocaleString("en-US")} distinct paths over ${report.channels.length} ${report.by === "campaign" ? "campaigns" : "touchpoint kinds"}; ${fmt(report.conversions)} conversions worth ${money(report.value)}, ${fmt(report.nulls)} journeys without one${report.lookbackDays !== null ? `; lookback ${report.lookbackDays} days` : ""}`,
  );
  if (report.conversionsWithoutTouchpoints > 0)
    console.log(
      `${fmt(report.conversionsWithoutTouchpoints)} conversions (worth ${money(report.valueWithoutTouchpoints)}) had no touchpoint in their window and are credited to nothing`,
    );
  if (report.ledger)
    console.log(
      report.ledger.read
        ? `message ledger: ${report.ledger.sends.toLocaleString("en-US")} sends read`
        : "message ledger: none in this store",
    );
  if (report.skipped > 0) console.log(`${report.skipped} rows skipped: ${report.problems.join("; ")}`);
  if (report.models.length === 0 || report.paths === 0) {
    console.log("nothing to attribute");
    return;
  }
  const drawn =
    report.models.find((m) => m.model === chart) ??
    report.models.find((m) => m.model === "markov_1") ??
    (report.models[report.models.length - 1] as ModelCredit);
  const order = [...drawn.credits].sort((a, b) => b[measure] - a[measure]).map((c) => c.channel);
  const index = new Map(report.channels.map((c, i) => [c, i]));
  console.log(`\n${measure === "value" ? "value" : "conversions"} credited by each model`);
  console.log(
    table(
      [report.by === "campaign" ? "campaign" : "channel", ...report.models.map((m) => labels[m.model])],
      order.map((ch) => [
        ch,
        ...report.models.map((m) => Math.round((m.credits[index.get(ch) ?? 0]?.[measure] ?? 0) * 10) / 10),
      ]),
    ),
  );
  console.log(
    `\n${labels[drawn.model]}${drawn.coalition ? ` (${drawn.coalition} coalitions)` : ""}: ${measure}`,
  );
  console.log(creditBars(drawn, measure));
  const markov = report.models.filter((m) => m.removalEffects);
  if (markov.length > 0) {
    console.log("\nremoval effects (share of conversions lost without the channel)");
    console.log(
      table(
        ["channel", ...markov.map((m) => labels[m.model])],
        order.map((ch) => [
          ch,
          ...markov.map((m) =>
            `${(100 * (m.removalEffects?.[index.get(ch) ?? 0]?.conversions ?? 0)).toFixed(1)} %`.padStart(8),
          ),
        ]),
      ),
    );
    for (const m of markov)
      console.log(
        `${labels[m.model]}: ${m.chain?.states.toLocaleString("en-US")} states, P(conversion) ${m.chain?.conversionProbability.toFixed(4)}, solved by ${m.chain?.solver}`,
      );
  }
  console.log(
    `\ntimes: ${report.models.map((m) => `${labels[m.model]} ${(report.timings[m.model] ?? 0).toFixed(0)} ms`).join(", ")}`,
  );
}

interface Flags {
  models?: string;
  by: string;
  lookbackDays?: string;
  conversionEvents?: string;
  rules?: string;
  direct: boolean;
  ledger: boolean;
  halfLifeDays?: string;
  halfLifeSteps?: string;
  separator?: string;
  delimiter?: string;
  coalition?: string;
  since?: string;
  chart?: string;
  value?: boolean;
  save?: boolean;
  json?: boolean;
}

/** Commands for multi-touch attribution, uplift and channel decisions. */
export function registerAttribution(program: Command): void {
  program
    .command("attribution [journeys]")
    .description(
      "credit conversions and value to channels (or campaigns) by first/last touch, linear, time decay, position, Markov chains of order 1-3 and Shapley values; from a journeys CSV (path;total_conversions;total_conversion_value;total_null) or from the store's events and message ledger",
    )
    .option("--models <list>", `models to run (default all: ${allModels.join(",")})`)
    .option("--by <what>", "store: credit by channel or by campaign", "channel")
    .option(
      "--lookback-days <n>",
      "store: touchpoints older than this before a conversion do not count (default 30)",
    )
    .option(
      "--conversion-events <names>",
      'store: track events that are conversions (default "Order Completed")',
    )
    .option("--rules <file>", "store: channel rules as JSON (see docs/attribution.md)")
    .option("--no-direct", "store: leave out visits without a campaign or referrer")
    .option("--no-ledger", "store: leave out the message ledger's sends")
    .option("--since <date>", "store: only events from this date on")
    .option("--half-life-days <n>", "time decay's half-life in days (default 7)")
    .option("--half-life-steps <n>", "time decay without times: the half-life in touchpoints (default 2)")
    .option("--separator <text>", "file: what separates touchpoints in a path (default >)")
    .option("--delimiter <char>", "file: the column delimiter (default: detected)")
    .option("--coalition <kind>", "Shapley: subset (default; sums to all conversions) or exact")
    .option("--chart <model>", "the model drawn as bars (default markov_1)")
    .option("--value", "draw and tabulate value instead of conversions")
    .option("--save", "keep the run in the store (the API and the console show the latest)")
    .option("--json", "print the report as JSON")
    .action(async (journeys: string | undefined, flags: Flags) => {
      if (flags.by !== "channel" && flags.by !== "campaign")
        throw new Error(`--by must be channel or campaign, not ${flags.by}`);
      if (flags.coalition && flags.coalition !== "subset" && flags.coalition !== "exact")
        throw new Error(`--coalition must be subset or exact, not ${flags.coalition}`);
      if (flags.chart && !isModelName(flags.chart))
        throw new Error(`--chart: "${flags.chart}" is not a model`);
      const lookbackDays = positive(flags.lookbackDays, "--lookback-days");
      const halfLifeDays = positive(flags.halfLifeDays, "--half-life-days");
      const halfLifeSteps = positive(flags.halfLifeSteps, "--half-life-steps");
      const models = modelList(flags.models);
      const rules = loadRules(flags.rules);
      const options: AttributionJobOptions = {
        by: flags.by,
        ...(models ? { models } : {}),
        ...(lookbackDays ? { lookbackDays } : {}),
        ...(halfLifeDays ? { halfLifeDays } : {}),
        ...(halfLifeSteps ? { halfLifeSteps } : {}),
        ...(flags.conversionEvents
          ? {
              conversionEvents: flags.conversionEvents
                .split(",")
                .map((s) => s.trim())
                .filter(Boolean),
            }
          : {}),
        ...(rules ? { rules } : {}),
        includeDirect: flags.direct,
        includeLedger: flags.ledger,
        ...(flags.since ? { since: flags.since } : {}),
        ...(flags.separator ? { separator: flags.separator } : {}),
        ...(flags.delimiter ? { delimiter: flags.delimiter } : {}),
        ...(flags.coalition ? { coalition: flags.coalition as "subset" | "exact" } : {}),
        progress: flags.json ? silentProgress : terminalProgress(),
      };
      const run = async (): Promise<JobReport> => {
        if (journeys && !flags.save) return attributionFromCsv(journeys, options);
        return withStore(program.opts<GlobalOptions>(), async (store) => {
          const report = journeys
            ? await attributionFromCsv(journeys, options)
            : await attributionFromStore(store, options);
          if (flags.save) {
            const id = await saveAttribution(store, report, options);
            if (!flags.json) console.error(`saved as attribution run ${id}`);
          }
          return report;
        });
      };
      const report = await run();
      if (flags.json) {
        console.log(JSON.stringify(report, null, 2));
        return;
      }
      printAttribution(report, flags.chart as ModelName | undefined, flags.value ? "value" : "conversions");
    });
  registerUplift(program);
  registerBandit(program);
}

function listOf<T extends string>(
  value: string | undefined,
  flag: string,
  allowed: readonly T[],
): T[] | undefined {
  if (!value) return undefined;
  const names = value
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);
  for (const n of names)
    if (!allowed.includes(n as T)) throw new Error(`${flag}: "${n}" is not one of ${allowed.join(", ")}`);
  return names as T[];
}

function printUplift(report: UpliftReport): void {
  console.log(
    `${report.input}: ${report.rows.toLocaleString("en-US")} rows; features ${report.features.join(", ")}${report.unreadable ? `; ${report.unreadable} unreadable rows` : ""}`,
  );
  const sets = upliftCurveSets(report);
  report.arms.forEach((a, i) => {
    const set = sets[i];
    if (!set) return;
    console.log(`\n${set.title}\n${set.subtitle}\n`);
    console.log(
      table(
        ["model", "Qini", "AUUC", "uplift top 10 %", "top 30 %", "top 50 %", "all"],
        a.results.map((r) => [
          `${r.method} (${r.learner})`,
          r.evaluation.qini.toFixed(3),
          r.evaluation.auuc.toFixed(3),
          ...[0.1, 0.3, 0.5].map(
            (f) =>
              `${(100 * (r.evaluation.upliftAt.find((x) => x.fraction === f)?.uplift ?? 0)).toFixed(2)} pts`,
          ),
          `${(100 * r.evaluation.ate).toFixed(2)} pts`,
        ]),
      ),
    );
    console.log(`\n${terminalQini(set)}`);
  });
}

function registerUplift(program: Command): void {
  program
    .command("uplift <experiment>")
    .description(
      "who gains from a message: two-model and class-transformation uplift on a randomised experiment (e.g. Hillstrom's), judged by Qini and uplift curves on held-out rows",
    )
    .option("--treatment-column <name>", "the column naming each row's arm", "segment")
    .option("--control <value>", "the control arm", "No E-Mail")
    .option("--treatments <list>", "arms to compare with the control (default: all others)")
    .option("--outcomes <list>", "0/1 outcome columns", "visit,conversion")
    .option(
      "--features <list>",
      "feature columns (default: all but the arm, outcomes and outcome-like columns)",
    )
    .option("--exclude <list>", "columns to leave out of the features")
    .option("--methods <list>", "two_model,class_transformation (default both)")
    .option("--learners <list>", "logistic,gbdt (default logistic)")
    .option("--test-fraction <x>", "share of rows held out for the curves", "0.3")
    .option("--seed <n>", "split and model seed", "1")
    .option("--report <file>", "write the Qini and uplift curves as an HTML page")
    .option("--json", "print the report as JSON")
    .action(
      async (
        experiment: string,
        flags: {
          treatmentColumn: string;
          control: string;
          treatments?: string;
          outcomes: string;
          features?: string;
          exclude?: string;
          methods?: string;
          learners?: string;
          testFraction: string;
          seed: string;
          report?: string;
          json?: boolean;
        },
      ) => {
        const split = (v: string | undefined) =>
          v
            ?.split(",")
            .map((x) => x.trim())
            .filter(Boolean);
        const testFraction = Number(flags.testFraction);
        if (!(testFraction > 0 && testFraction < 1))
          throw new Error(`--test-fraction must be in (0, 1), not ${flags.testFraction}`);
        const methods = listOf<UpliftMethod>(flags.methods, "--methods", [
          "two_model",
          "class_transformation",
        ]);
        const learners = listOf<Learner>(flags.learners, "--learners", ["logistic", "gbdt"]);
        const treatments = split(flags.treatments);
        const features = split(flags.features);
        const exclude = split(flags.exclude);
        const report = await upliftFromFile(experiment, {
          treatmentColumn: flags.treatmentColumn,
          control: flags.control,
          outcomes: split(flags.outcomes) ?? [],
          ...(treatments ? { treatments } : {}),
          ...(features ? { features } : {}),
          ...(exclude ? { exclude } : {}),
          ...(methods ? { methods } : {}),
          ...(learners ? { learners } : {}),
          testFraction,
          seed: Number(flags.seed) || 1,
          progress: flags.json ? silentProgress : terminalProgress(),
        });
        if (flags.report) {
          writeFileSync(flags.report, upliftReportHtml(`Uplift: ${experiment}`, upliftCurveSets(report)));
          if (!flags.json) console.error(`report written to ${flags.report}`);
        }
        if (flags.json) console.log(JSON.stringify(report, null, 2));
        else printUplift(report);
      },
    );
}

const rate = (x: number) => `${(100 * x).toFixed(3)} %`;

function printOpenBandit(r: OpenBanditReport): void {
  console.log(
    `${r.items} items at positions ${r.positions.join(", ")}; random log ${r.random.clicks} clicks in ${r.random.impressions.toLocaleString("en-US")} impressions, Bernoulli TS log ${r.bts.clicks} in ${r.bts.impressions.toLocaleString("en-US")}`,
  );
  for (const e of r.evaluations) {
    console.log(`\n${e.policy}, estimated from the ${e.logs} log`);
    const rows: (string | number)[][] = e.estimates.map((x) => [
      x.estimator,
      rate(x.value),
      `${rate(x.low)} – ${rate(x.high)}`,
      e.onPolicy ? `${((100 * (x.value - e.onPolicy.value)) / e.onPolicy.value).toFixed(1)} %` : "–",
    ]);
    if (e.onPolicy)
      rows.push([
        "on-policy (its own log)",
        rate(e.onPolicy.value),
        `${rate(e.onPolicy.low)} – ${rate(e.onPolicy.high)}`,
        "",
      ]);
    console.log(table(["estimate", "click rate", "95 % interval", "vs on-policy"], rows));
  }
  console.log(
    `\nour Thompson policy's favourite items: ${r.thompson.topItems.map((t) => `position ${t.position}: item ${t.item} (${(100 * t.probability).toFixed(1)} %)`).join(", ")}`,
  );
}

function registerBandit(program: Command): void {
  const bandit = program
    .command("bandit")
    .description(
      "channel and message choice by Thompson sampling, and off-policy evaluation of policies from logs",
    );
  bandit
    .command("evaluate <randomLog> <policyLog>")
    .description(
      "Open Bandit Dataset logs (item_id, position, click, propensity_score): estimate the Bernoulli TS policy's click rate from the random policy's log by IPS, SNIPS and doubly robust, and compare it with its own logged rate",
    )
    .option("--bootstrap <n>", "bootstrap resamples for the intervals", "500")
    .option("--json", "print the report as JSON")
    .action(async (randomLog: string, policyLog: string, flags: { bootstrap: string; json?: boolean }) => {
      const bootstrap = Number(flags.bootstrap);
      if (!Number.isInteger(bootstrap) || bootstrap < 10)
        throw new Error(`--bootstrap must be a whole number ≥ 10, not ${flags.bootstrap}`);
      const r = await evaluateOpenBandit(randomLog, policyLog, {
        bootstrap,
        progress: flags.json ? silentProgress : terminalProgress(),
      });
      if (flags.json) console.log(JSON.stringify(r, null, 2));
      else printOpenBandit(r);
    });
  bandit
    .command("decide")
    .description(
      "choose a channel (or channel and campaign) by Thompson sampling over the message ledger's responses: for people (--entity), the same decision as `tessera decide` (the contact policy first); without, for the audience as a whole",
    )
    .option("--entity <ids>", "one decision per profile (comma-separated); default one for the audience")
    .option("--by-message", "choose a channel and message (campaign), not only a channel")
    .option(
      "--channels <list>",
      "channels to choose between (default the policy's for people, the ledger's for the audience)",
    )
    .option(
      "--success <kinds>",
      "responses that count as a success (default the policy's: clicked,converted)",
    )
    .option("--since-days <n>", "only messages sent in the last N days count")
    .option("--strategy <name>", "thompson (default) or preference")
    .option("--seed <n>", "seed the draws")
    .option("--save", "keep the decisions in the store")
    .option("--json", "print the decisions as JSON")
    .action(
      async (flags: {
        entity?: string;
        byMessage?: boolean;
        channels?: string;
        success?: string;
        sinceDays?: string;
        strategy?: string;
        seed?: string;
        save?: boolean;
        json?: boolean;
      }) => {
        const sinceDays = positive(flags.sinceDays, "--since-days");
        const strategy = strategyOption(flags.strategy);
        const seed = wholeNumber(flags.seed, "--seed");
        await withStore(program.opts<GlobalOptions>(), async (store) => {
          const entityIds = nameList(flags.entity);
          const channels = nameList(flags.channels);
          const success = nameList(flags.success);
          const r = await decideChannels(store, {
            ...(entityIds ? { entityIds } : {}),
            ...(channels ? { channels } : {}),
            ...(success ? { success } : {}),
            ...(sinceDays !== undefined ? { sinceDays } : {}),
            ...(strategy ? { strategy } : {}),
            ...(seed !== undefined ? { seed } : {}),
            byMessage: flags.byMessage === true,
            save: flags.save === true,
          });
          if (flags.json) {
            console.log(JSON.stringify(r, null, 2));
            return;
          }
          console.log(
            `${r.sends.toLocaleString("en-US")} sends in the message ledger; a success is ${r.success.join(" or ")}`,
          );
          const first = r.decisions.find((d) => d.arms.length > 0);
          if (first)
            console.log(
              armsTable(
                first.arms,
                r.decisions.length === 1 && first.channel
                  ? first.message
                    ? `${first.channel}/${first.message}`
                    : first.channel
                  : null,
              ),
            );
          for (const d of r.decisions)
            console.log(
              `${d.entityId ?? "next send"}: ${d.channel ? `${d.channel}${d.message ? ` / ${d.message}` : ""}` : "no channel allowed"} — ${d.reason}`,
            );
        });
      },
    );
}
