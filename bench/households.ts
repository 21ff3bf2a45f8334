/**
 * Benchmark: households on generated data. Generates N people living in households (truth.csv has the
 * household of every record), imports, masters, runs the quality job (generic values and likely fakes are left
 * out of householding) and builds households; then scores pairwise co-household precision and recall over the
 * real people, each placed where a profile of their own was placed (see below) — over all of them (a person
 * placed in no household counts as living alone), over those placed in one, with a street address, whose known
 * home is current, and recall over the true pairs the data shows (`evidenceRecall`).
 *
 *   npx tsx bench/households.ts --people 20000 [--seed 11] [--dir /tmp/tessera-quality] [--fresh] [--json]
 */
import { cpus, totalmem } from "node:os";
import { Command } from "commander";
import { buildHouseholds, householdRecordOf } from "../src/jobs/households.js";
import { loadQualityEntities, runQuality } from "../src/jobs/quality.js";
import { householdCandidate } from "../src/master/households/candidates.js";
import { genericValueExclusions } from "../src/store/quality.js";
import { evidenceRecall, pairwiseHouseholds, unshownPairs } from "./households-eval.js";
import { entityTruth, generatedStore, mostRecords, profilesOfPeople, readTruth } from "./quality-data.js";

const opts = new Command()
  .option("--people <n>", "people to generate", "20000")
  .option("--seed <n>", "seed", "11")
  .option("--dir <dir>", "working folder", "/tmp/tessera-quality")
  .option("--fresh", "generate, import and master again even when a store of this size and seed exists")
  .option("--settings <file>", "household settings to build with (default: the built-in ones)")
  .option("--json", "print one JSON object")
  .parse()
  .opts<{ people: string; seed: string; dir: string; fresh?: boolean; settings?: string; json?: boolean }>();

const log = (line: string) => {
  if (!opts.json) console.error(line);
};
const data = await generatedStore({
  people: Number(opts.people),
  seed: Number(opts.seed),
  dir: opts.dir,
  ...(opts.fresh ? { fresh: true } : {}),
  log,
});
let t = performance.now();
await runQuality(data.store);
const qualitySeconds = (performance.now() - t) / 1000;
t = performance.now();
const report = await buildHouseholds(data.store, {
  ...(opts.settings ? { settingsPath: opts.settings } : {}),
  progress: (stage, detail) => log(`${stage}: ${detail ?? ""}`),
});
const householdSeconds = (performance.now() - t) / 1000;
// Each real person is scored by a profile of their own (one most of whose records are theirs): the one
// householding placed (holding most of their records, when several were), else the one holding most of their
// records. A person's records left in a second profile that names no address (an app install never tied to their
// account) are person resolution's miss, measured by the resolution benchmarks, not householding's; so is a person
// with no profile of their own (every record merged into someone else's), who counts as living alone.
const truthRows = readTruth(data.dataDir);
const owner = await entityTruth(data.store, truthRows);
const people = new Map<string, { entity: string | null; household: string; sources: Set<string> }>();
let withoutProfile = 0;
for (const [person, p] of await profilesOfPeople(data.store, truthRows)) {
  const own = (e: string) => owner.get(e)?.person === person;
  const entity =
    mostRecords(p.records, (e) => own(e) && report.householdOf.has(e)) ?? mostRecords(p.records, own);
  if (entity === null) withoutProfile++;
  people.set(person, { entity, household: p.household, sources: p.sources });
}
// What each profile gives householding to go on, as the build saw it (generic values left out).
const evidenceOf = new Map<string, string[]>();
{
  const generic = new Map(
    Object.entries(await genericValueExclusions(data.store.db)).map(([k, v]) => [k, new Set(v)]),
  );
  const { entities } = await loadQualityEntities(data.store, () => {});
  for (const e of entities.values()) {
    const c = householdCandidate(e.id, e.profile, e.records.map(householdRecordOf), generic);
    evidenceOf.set(e.id, [
      ...c.addresses.map((v) => `address:${v}`),
      ...(c.building ? [`building:${c.building}`] : []),
      ...c.numberPostcode.map((v) => `number+postcode:${v}`),
      ...c.numberStreet.map((v) => `number+street:${v}`),
      ...c.phones.map((v) => `phone:${v}`),
      ...c.ips.map((v) => `ip:${v}`),
      ...c.devices.map((v) => `device:${v}`),
      ...c.emails.map((v) => `email:${v}`),
      ...c.postcodes.flatMap((p) => c.family.map((f) => `postcode+family:${p}|${f}`)),
    ]);
  }
}
await data.store.close();

// Per real person: the true household, and the household of their main profile (none: a household alone).
const all = new Map<string, string>();
const placed = new Map<string, string>();
const addressed = new Map<string, string>();
const current = new Map<string, string>();
// Where each real person lives at the end of the data (people.csv): a profile whose home has that postcode is current.
const area = (p: string) =>
  p
    .replace(/[^0-9a-z]/gi, "")
    .slice(0, 5)
    .toLowerCase();
const livesAt = new Map<string, string>();
{
  const { readFileSync } = await import("node:fs");
  const { parse } = await import("csv-parse/sync");
  const rows = parse(readFileSync(`${data.dataDir}/people.csv`), { columns: true, bom: true }) as Record<
    string,
    string
  >[];
  for (const r of rows) livesAt.set(r.person_id as string, area(r.postcode ?? ""));
}
const predicted = new Map<string, string>();
const evidence = new Map<string, string[]>();
for (const [person, p] of people) {
  all.set(person, p.household);
  if (p.entity === null) continue;
  evidence.set(person, evidenceOf.get(p.entity) ?? []);
  if (report.withStreetAddress.has(p.entity)) {
    addressed.set(person, p.household);
    const postcode = report.withStreetAddress.get(p.entity);
    if (postcode && area(postcode) === livesAt.get(person)) current.set(person, p.household);
  }
  const h = report.householdOf.get(p.entity);
  if (h === undefined) continue;
  predicted.set(person, h);
  placed.set(person, p.household);
}
const result = {
  command: `npx tsx bench/households.ts ${process.argv.slice(2).join(" ")}`,
  machine: `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  people: Number(opts.people),
  records: data.records,
  profiles: report.people,
  peopleWithoutProfile: withoutProfile,
  households: report.households,
  sizes: report.sizes,
  candidatePairs: report.candidatePairs,
  currentAddress: pairwiseHouseholds(current, predicted),
  withStreetAddress: pairwiseHouseholds(addressed, predicted),
  placed: pairwiseHouseholds(placed, predicted),
  all: pairwiseHouseholds(all, predicted),
  evidence: evidenceRecall(all, evidence, predicted),
  unshown: unshownPairs(all, evidence),
  // Who gives householding nothing to go on, by the sources that know them.
  nothingToGoOn: Object.fromEntries(
    [
      ...[...people]
        .filter(([person]) => (evidence.get(person)?.length ?? 0) === 0)
        .reduce((m, [, p]) => {
          const k = [...p.sources].sort().join("+");
          return m.set(k, (m.get(k) ?? 0) + 1);
        }, new Map<string, number>()),
    ].sort((a, b) => b[1] - a[1]),
  ),
  seconds: { ...data.seconds, quality: qualitySeconds, households: householdSeconds, stages: report.seconds },
};
if (opts.json) console.log(JSON.stringify(result, null, 2));
else {
  const f = (x: number) => x.toFixed(4);
  console.log(
    `${report.people.toLocaleString("en-US")} profiles → ${report.households.toLocaleString("en-US")} households ${JSON.stringify(report.sizes)} in ${householdSeconds.toFixed(1)} s`,
  );
  console.log(
    `people whose known home is current (${result.currentAddress.people.toLocaleString("en-US")}): precision ${f(result.currentAddress.precision)}, recall ${f(result.currentAddress.recall)} (${result.currentAddress.truePairs.toLocaleString("en-US")} true pairs)`,
  );
  console.log(
    `people with a street address (${result.withStreetAddress.people.toLocaleString("en-US")}): precision ${f(result.withStreetAddress.precision)}, recall ${f(result.withStreetAddress.recall)} (${result.withStreetAddress.truePairs.toLocaleString("en-US")} true pairs)`,
  );
  console.log(
    `people placed in a household (${result.placed.people.toLocaleString("en-US")}): precision ${f(result.placed.precision)}, recall ${f(result.placed.recall)} (${result.placed.truePairs.toLocaleString("en-US")} true pairs)`,
  );
  console.log(
    `all real people (${result.all.people.toLocaleString("en-US")}): precision ${f(result.all.precision)}, recall ${f(result.all.recall)} (${result.all.truePairs.toLocaleString("en-US")} true pairs)`,
  );
  console.log(
    `true pairs the data shows (joined by shared household evidence, ${result.evidence.pairs.toLocaleString("en-US")} of ${result.all.truePairs.toLocaleString("en-US")}): recall ${f(result.evidence.recall)}`,
  );
  console.log(
    `true pairs the data does not show: ${result.unshown.nothingToGoOn.toLocaleString("en-US")} with someone who gives nothing to go on, ${result.unshown.nothingJoins.toLocaleString("en-US")} where nothing joins the two; people with nothing to go on by source: ${JSON.stringify(result.nothingToGoOn)}`,
  );
}
