/**
 * Linkage of the multi-structured sources (support e-mails, social profiles, web-log visits, app events)
 * to the people of a generated data set. Generates `--people` people, reads every source straight into
 * records (mapping, text extraction and standardisation as an import does, nothing stored), resolves them
 * together with the identity-resolution engine (no labels), and scores against truth.csv:
 *
 * - pairwise precision and recall over all records, and over the pairs that involve a multi-structured
 *   record;
 * - per multi-structured source, attribution: a record counts as linked when its cluster holds a record of
 *   the structured sources (crm, orders, web_signups); precision is the share of linked records whose
 *   cluster's structured records are mostly the right person; recall is the share of records whose person
 *   has structured records that are linked to that person.
 *
 *   npx tsx bench/link-multistructured.ts [--people 3000] [--seed 7] [--json]
 */
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { prepareRow } from "../src/jobs/prepare-row.js";
import { compileMapping } from "../src/mapping/compile-mapping.js";
import type { MatchRecord } from "../src/model/match-record.js";
import type { StandardizedRecord } from "../src/model/standardized.js";
import { pairwiseScores, truthFromLabels } from "../src/resolve/evaluate.js";
import type { RecordToResolve } from "../src/resolve/features.js";
import { resolveInMemory } from "../src/resolve/resolve.js";
import type { ResolveSettingsInput } from "../src/resolve/settings.js";
import { readSource } from "../src/sources/open-source.js";
import { generate } from "../src/synthetic/generate.js";
import { sourceMappings } from "../src/synthetic/mappings.js";

const opts = new Command()
  .option("--people <n>", "people to generate", "3000")
  .option("--seed <n>", "generator seed", "7")
  .option("--json", "print one JSON object")
  .option("--settings <file>", "resolution settings", join(here(), "configs", "multistructured.json"))
  .option("--dir <dir>", "read a data set generated before (with its truth.csv) instead of generating one")
  .parse()
  .opts<{ people: string; seed: string; json?: boolean; settings: string; dir?: string }>();

function here(): string {
  return dirname(fileURLToPath(import.meta.url));
}

const files: Record<string, string> = {
  crm: "crm.csv",
  orders: "orders.csv",
  web_signups: "web_signups.jsonl",
  app_events: "app_events.jsonl",
  support: "support.mbox",
  social: "social.jsonl",
  access_log: "access.log",
  support_chat: "support_chat.jsonl",
};
const structured = new Set(["crm", "orders", "web_signups"]);
const multi = ["support", "social", "access_log", "app_events", "support_chat"];

/**
 * Person-record settings plus what these sources carry (bench/configs/multistructured.json): one "place"
 * comparison over postcode and city (a profile's location names only a city), an initial level on family
 * names ("Jane D."), blocking on the full name and on given name and city (profiles have no birth date),
 * the app's user, anonymous and device ids, IP addresses; order numbers and user ids match deterministically.
 */
export const multiStructuredSettings = JSON.parse(
  readFileSync(opts.settings, "utf8"),
) as ResolveSettingsInput;

async function main() {
  const people = Number(opts.people);
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), "tessera-link-")));
  try {
    const t0 = performance.now();
    if (opts.dir === undefined) await generate({ people, seed: Number(opts.seed), outDir: dir });
    const truth = new Map<string, string>();
    for (const line of (await readFile(join(dir, "truth.csv"), "utf8")).split("\n").slice(1)) {
      const [source, id, person] = line.split(",");
      if (source && id && person) truth.set(`${source}/${id}`, person);
    }
    const now = new Date("2026-01-01T00:00:00.000Z");
    const records: RecordToResolve[] = [];
    const labels: string[] = [];
    const read: Record<string, { records: number; quarantined: number; seconds: number }> = {};
    for (const [source, file] of Object.entries(files)) {
      const started = performance.now();
      const compiled = compileMapping(sourceMappings[source as keyof typeof sourceMappings] as never);
      const options = { defaultCountry: "US", dateOrder: compiled.mapping.dateOrder, now };
      let kept = 0;
      let quarantined = 0;
      const format = compiled.mapping.format;
      for await (const item of readSource(join(dir, file), format ? { format } : {})) {
        const row = prepareRow(compiled, item, now.toISOString(), options);
        if (row.kind !== "record") {
          quarantined++;
          continue;
        }
        const key = `${source}/${row.record.sourceRecordId}`;
        const person = truth.get(key);
        if (person === undefined) throw new Error(`${key} is not in truth.csv`);
        records.push({
          key,
          source,
          standardized: JSON.parse(row.record.standardizedJson) as StandardizedRecord,
        });
        labels.push(person);
        kept++;
      }
      read[source] = { records: kept, quarantined, seconds: (performance.now() - started) / 1000 };
    }
    const tRead = performance.now();
    const result = resolveInMemory(records, multiStructuredSettings);
    const tResolve = performance.now();
    const clusterOf = result.clustering.clusterOf;
    const truthIds = truthFromLabels(labels);
    const all = pairwiseScores(truthIds, clusterOf);

    // Attribution per multi-structured source.
    const structuredPeople = new Map<number, Map<string, number>>();
    const personHasStructured = new Set<string>();
    records.forEach((r, i) => {
      if (!structured.has(r.source)) return;
      personHasStructured.add(labels[i]!);
      const c = clusterOf[i]!;
      const counts = structuredPeople.get(c) ?? new Map<string, number>();
      counts.set(labels[i]!, (counts.get(labels[i]!) ?? 0) + 1);
      structuredPeople.set(c, counts);
    });
    const attribution: Record<string, unknown> = {};
    for (const source of multi) {
      let total = 0;
      let attributable = 0;
      let identifiable = 0;
      let identifiableCorrect = 0;
      let linked = 0;
      let correct = 0;
      records.forEach((r, i) => {
        if (r.source !== source) return;
        total++;
        const person = labels[i]!;
        const canLink = personHasStructured.has(person);
        if (canLink) attributable++;
        const named = canLink && identifiableRecord(r.standardized);
        if (named) identifiable++;
        const counts = structuredPeople.get(clusterOf[i]!);
        if (counts === undefined) return;
        linked++;
        let best = "";
        let bestCount = -1;
        for (const [p, n] of counts) if (n > bestCount) [best, bestCount] = [p, n];
        if (best === person) {
          correct++;
          if (named) identifiableCorrect++;
        }
      });
      attribution[source] = {
        records: total,
        attributable,
        linked,
        precision: linked === 0 ? 1 : correct / linked,
        recall: attributable === 0 ? 1 : correct / attributable,
        identifiable,
        recallIdentifiable: identifiable === 0 ? 1 : identifiableCorrect / identifiable,
      };
    }
    // Pairwise over pairs that involve at least one multi-structured record: scores restricted by
    // leaving the structured-only pairs out of both counts.
    const multiIndex = records.map((r) => !structured.has(r.source));
    const pairs = pairsInvolving(truthIds, clusterOf, multiIndex);
    // Pairwise over the records that carry identity evidence (see identifiableRecord): a visit known only
    // by a shared IP address is not a person, and is left out of both the truth's pairs and the clusters'.
    const kept = records.map((r) => identifiableRecord(r.standardized));
    const pick = (a: Int32Array) => Int32Array.from(a.filter((_, i) => kept[i]));
    const identified = pairwiseScores(pick(truthIds), pick(clusterOf));
    const report = {
      people,
      records: records.length,
      read,
      resolve: {
        seconds: (tResolve - tRead) / 1000,
        candidatePairs: result.candidatePairs,
        clusters: result.clustering.clusters,
      },
      pairwiseAll: all,
      pairwiseMultiStructured: pairs,
      pairwiseIdentityBearing: { records: kept.filter(Boolean).length, ...identified },
      attribution,
      totalSeconds: (performance.now() - t0) / 1000,
    };
    if (opts.json) console.log(JSON.stringify(report, null, 2));
    else {
      console.log(
        `${people} people, ${records.length} records; read ${((tRead - t0) / 1000).toFixed(1)} s, resolve ${report.resolve.seconds.toFixed(1)} s`,
      );
      for (const [s, r] of Object.entries(read))
        console.log(
          `  ${s.padEnd(12)} ${r.records} records, ${r.quarantined} quarantined, ${r.seconds.toFixed(2)} s`,
        );
      const f = (x: number) => x.toFixed(3);
      console.log(
        `pairwise, all records:            P ${f(all.precision)}  R ${f(all.recall)}  F1 ${f(all.f1)}`,
      );
      console.log(
        `pairwise, pairs with a multi rec: P ${f(pairs.precision)}  R ${f(pairs.recall)}  F1 ${f(pairs.f1)}`,
      );
      console.log(
        `pairwise, identity-bearing recs:  P ${f(identified.precision)}  R ${f(identified.recall)}  F1 ${f(identified.f1)}  (${report.pairwiseIdentityBearing.records} records)`,
      );
      for (const [s, a] of Object.entries(attribution)) {
        const x = a as {
          records: number;
          attributable: number;
          linked: number;
          precision: number;
          recall: number;
          identifiable: number;
          recallIdentifiable: number;
        };
        console.log(
          `  ${s.padEnd(12)} ${x.records} records, ${x.attributable} of people with structured records, ${x.linked} linked: P ${f(x.precision)}  R ${f(x.recall)};  ${x.identifiable} identifiable: R ${f(x.recallIdentifiable)}`,
        );
      }
    }
  } finally {
    if (opts.dir === undefined) await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Whether a record carries identity evidence by itself, judged from the record alone (never the truth): an
 * email, a phone, an order number, an app user or anonymous id, or a given and family name (more than an
 * initial) together with a place (city or postcode). A visit known only by its IP address (shared by a
 * household, or a mobile carrier's), a profile with a first name only, or a bare name with no place (one of
 * several namesakes) does not: those are counted in the per-source recall over all records, not here.
 */
function identifiableRecord(s: MatchRecord): boolean {
  if (s.emails.some((e) => e.valid) || s.phones.some((p) => p.e164 !== null)) return true;
  const place = s.addresses.some((a) => a.city !== null || a.postcode !== null || a.locality !== null);
  if (s.name?.given && s.name?.family && s.name.family.length > 1 && place) return true;
  return s.identifiers.some(
    (i) => i.type === "order_id" || i.type === "user_id" || i.type === "anonymous_id",
  );
}

/** Pairwise precision and recall counting only pairs with at least one flagged record. */
function pairsInvolving(truth: Int32Array, clusterOf: Int32Array, flagged: boolean[]) {
  const count = (groupOf: (i: number) => string) => {
    const groups = new Map<string, { all: number; flagged: number }>();
    for (let i = 0; i < truth.length; i++) {
      const g = groupOf(i);
      const e = groups.get(g) ?? { all: 0, flagged: 0 };
      e.all++;
      if (flagged[i]) e.flagged++;
      groups.set(g, e);
    }
    let pairs = 0;
    // pairs with ≥ 1 flagged = all pairs − pairs of two unflagged
    for (const { all, flagged: f } of groups.values()) {
      const u = all - f;
      pairs += (all * (all - 1)) / 2 - (u * (u - 1)) / 2;
    }
    return pairs;
  };
  const truePairs = count((i) => String(truth[i]));
  const predictedPairs = count((i) => String(clusterOf[i]));
  const truePositives = count((i) => `${truth[i]}:${clusterOf[i]}`);
  const precision = predictedPairs === 0 ? 1 : truePositives / predictedPairs;
  const recall = truePairs === 0 ? 1 : truePositives / truePairs;
  return {
    precision,
    recall,
    f1: (2 * precision * recall) / (precision + recall || 1),
    truePositives,
    predictedPairs,
    truePairs,
  };
}

await main();
