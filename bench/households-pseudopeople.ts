/**
 * Benchmark: households on the pseudopeople sample population (IHME; ../shared/datasets/pseudopeople-sample),
 * decennial census of 2020: 10,387 people in 4,076 households, with person (simulant_id) and household ids.
 * The sample is noise-free, so noise of our own is added first, FEBRL-style, seeded and documented
 * (docs/households.md): per record, a typo in the given name (6 %) and in the family name (6 %), a missing
 * family name (2 %), a nickname-like shortening of the given name (3 %), a missing date of birth (5 %), day
 * and month swapped (2 %), a typo in the street number (2 %) and in the street name (4 %), a missing flat
 * number (20 % of those with one), and a few people (3 %) given once more as a second record with fresh noise.
 * The census ZIP code is the placeholder 00000 for everyone in "Anytown, WA" (the standardiser drops it), so
 * street number, street, flat and town carry the address; the quality run is told that this town and postcode
 * are the data set's own (not signs of a fake) and that children are in it.
 *
 * The records are imported, mastered, checked for quality and householded; pairwise co-household precision and
 * recall are scored per person (where the person's main profile was placed) against household_id, over the
 * people in private households and over everyone (group quarters — nursing homes, barracks, dormitories,
 * prisons — are not households, but they are in the data).
 *
 *   npx tsx bench/households-pseudopeople.ts [--dir /tmp/tessera-pseudopeople] [--seed 1] [--json]
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { parse } from "csv-parse/sync";
import { buildHouseholds } from "../src/jobs/households.js";
import { importSource } from "../src/jobs/import-source.js";
import { masterRecords } from "../src/jobs/master-records.js";
import { silentProgress } from "../src/jobs/progress.js";
import { runQuality } from "../src/jobs/quality.js";
import { compileMapping } from "../src/mapping/compile-mapping.js";
import { loadLinks } from "../src/store/entities.js";
import { openStore } from "../src/store/open-store.js";
import { Rng } from "../src/synthetic/prng.js";
import { pairwiseHouseholds } from "./households-eval.js";

const opts = new Command()
  .option("--dir <dir>", "working folder", "/tmp/tessera-pseudopeople")
  .option("--seed <n>", "seed of the noise", "1")
  .option("--year <year>", "census year", "2020")
  .option("--json", "print one JSON object")
  .parse()
  .opts<{ dir: string; seed: string; year: string; json?: boolean }>();

const sample = join(import.meta.dirname, "../../shared/datasets/pseudopeople-sample/decennial_census.csv");
if (!existsSync(sample)) {
  console.error(`skipped: the pseudopeople sample is not at ${sample}`);
  process.exit(0);
}
const log = (line: string) => {
  if (!opts.json) console.error(line);
};

type Row = Record<string, string>;
const rows = (parse(readFileSync(sample), { columns: true, bom: true }) as Row[]).filter(
  (r) => r.year === opts.year,
);
const rng = Rng.from(Number(opts.seed), 6);
const letters = "abcdefghijklmnopqrstuvwxyz";

/** One FEBRL-style typo: a letter substituted, dropped, doubled or swapped with the next. */
function typo(s: string): string {
  if (s.length < 2) return s;
  const i = rng.int(s.length - 1);
  switch (rng.int(4)) {
    case 0:
      return s.slice(0, i) + (letters[rng.int(26)] as string) + s.slice(i + 1);
    case 1:
      return s.slice(0, i) + s.slice(i + 1);
    case 2:
      return s.slice(0, i) + s[i] + s.slice(i);
    default:
      return s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);
  }
}

function noisy(r: Row): Row {
  const out = { ...r };
  if (rng.chance(0.06)) out.first_name = typo(out.first_name ?? "");
  if (rng.chance(0.03) && (out.first_name ?? "").length > 4)
    out.first_name = (out.first_name ?? "").slice(0, 3);
  if (rng.chance(0.06)) out.last_name = typo(out.last_name ?? "");
  if (rng.chance(0.02)) out.last_name = "";
  if (rng.chance(0.05)) out.date_of_birth = "";
  else if (rng.chance(0.02) && out.date_of_birth) {
    const [y, m, d] = out.date_of_birth.split("-");
    if (Number(d) <= 12) out.date_of_birth = `${y}-${d}-${m}`;
  }
  if (rng.chance(0.02)) out.street_number = typo(out.street_number ?? "");
  if (rng.chance(0.04)) out.street_name = typo(out.street_name ?? "");
  if (out.unit_number && rng.chance(0.2)) out.unit_number = "";
  return out;
}

const header = [
  "record_id",
  "simulant_id",
  "household_id",
  "housing_type",
  "first_name",
  "middle_initial",
  "last_name",
  "date_of_birth",
  "sex",
  "street_number",
  "street_name",
  "unit_number",
  "city",
  "state",
  "zipcode",
];
const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
const lines = [header.join(",")];
let n = 0;
for (const r of rows) {
  const copies = rng.chance(0.03) ? 2 : 1;
  for (let c = 0; c < copies; c++) {
    const x = noisy(r);
    lines.push([`R${++n}`, ...header.slice(1).map((h) => x[h] ?? "")].map(quote).join(","));
  }
}
rmSync(opts.dir, { recursive: true, force: true });
mkdirSync(opts.dir, { recursive: true });
const csv = join(opts.dir, "census.csv");
writeFileSync(csv, `${lines.join("\n")}\n`);
log(
  `${rows.length.toLocaleString("en-US")} people of ${opts.year} → ${n.toLocaleString("en-US")} noisy records`,
);

const store = await openStore({ file: join(opts.dir, "store.db") });
const started = performance.now();
await importSource(store, {
  path: csv,
  progress: silentProgress,
  mapping: compileMapping({
    source: "census",
    format: "csv",
    defaultCountry: "US",
    dateOrder: "YMD",
    keepUnmapped: true,
    fields: {
      record_id: "id",
      first_name: "name.given",
      middle_initial: "name.middle",
      last_name: "name.family",
      date_of_birth: "dateOfBirth",
      sex: "gender",
      street_number: "address.streetNumber",
      street_name: "address.street",
      unit_number: "address.unit",
      city: "address.city",
      state: "address.region",
      zipcode: "address.postcode",
    },
  }),
});
const importSeconds = (performance.now() - started) / 1000;
// People-matching settings for a census: no email or phone, so names, birth date and address carry identity.
const settingsPath = join(opts.dir, "census-settings.json");
writeFileSync(
  settingsPath,
  JSON.stringify({
    comparisons: [
      {
        name: "given name",
        termFrequency: true,
        levels: [
          { kind: "exact", feature: "given" },
          { kind: "nickname", feature: "given" },
          { kind: "jaroWinkler", feature: "given", threshold: 0.92 },
          { kind: "jaroWinkler", feature: "given", threshold: 0.8 },
          { kind: "initial", feature: "given" },
        ],
        neverLinkAt: ["else"],
      },
      {
        name: "family name",
        termFrequency: true,
        levels: [
          { kind: "exact", feature: "family" },
          { kind: "jaroWinkler", feature: "family", threshold: 0.92 },
          { kind: "exact", feature: "familyPhonetic", label: "sounds the same" },
        ],
      },
      {
        name: "date of birth",
        levels: [
          { kind: "exact", feature: "dateOfBirth" },
          { kind: "dateTransposed", feature: "dateOfBirth" },
          { kind: "dateWithinYears", feature: "dateOfBirth", years: 1 },
        ],
      },
      {
        name: "address",
        levels: [
          { kind: "exact", feature: "addressLine" },
          { kind: "exact", feature: "street", label: "same street" },
        ],
      },
      { name: "gender", levels: [{ kind: "exact", feature: "gender" }] },
    ],
    blocking: [
      { name: "family sound and birth date", expression: "familyPhonetic & dateOfBirth" },
      { name: "given sound and birth date", expression: "givenPhonetic & dateOfBirth" },
      { name: "given and family", expression: "given & family" },
      { name: "address and given", expression: "addressLine & givenPhonetic" },
    ],
    training: {
      blocking: [
        { name: "same birth date", expression: "dateOfBirth" },
        { name: "same address and given name", expression: "addressLine & given" },
        { name: "same names", expression: "given & family" },
      ],
    },
    threshold: 0.9,
  }),
);
let t = performance.now();
await masterRecords(store, { settingsPath });
const masterSeconds = (performance.now() - t) / 1000;
t = performance.now();
// A census counts children, and this one is set in its own fictional town (Anytown, ZIP 00000): customers' age
// limits and the placeholder-town and placeholder-postcode signs of a fake do not apply.
await runQuality(store, {
  settings: { age: { min: 0 }, fake: { weights: { placeholderAddress: 0, placeholderPostcode: 0 } } },
});
const report = await buildHouseholds(store, {
  progress: (stage, detail) => log(`${stage}: ${detail ?? ""}`),
});
const householdSeconds = (performance.now() - t) / 1000;

// Per person: the true household and where the person's main profile was placed.
const truthOf = new Map<string, { person: string; household: string; group: boolean }>();
for (const line of lines.slice(1)) {
  const [id, person, household, housing] = (parse(line) as string[][])[0] as string[];
  truthOf.set(`census/${id}`, {
    person: person as string,
    household: household as string,
    group: housing !== "Household",
  });
}
const links = await loadLinks(store.db);
await store.close();
const counts = new Map<string, Map<string, number>>();
for (const [key, entity] of links) {
  const t = truthOf.get(key);
  if (!t) continue;
  const c = counts.get(t.person) ?? new Map<string, number>();
  c.set(entity, (c.get(entity) ?? 0) + 1);
  counts.set(t.person, c);
}
const personInfo = new Map<string, { household: string; group: boolean }>();
for (const t of truthOf.values()) personInfo.set(t.person, { household: t.household, group: t.group });
const all = new Map<string, string>();
const privateHouseholds = new Map<string, string>();
const predicted = new Map<string, string>();
for (const [person, c] of counts) {
  const [entity] = [...c].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0] as [string, number];
  const info = personInfo.get(person) as { household: string; group: boolean };
  all.set(person, info.household);
  if (!info.group) privateHouseholds.set(person, info.household);
  const h = report.householdOf.get(entity);
  if (h) predicted.set(person, h);
}
const result = {
  command: `npx tsx bench/households-pseudopeople.ts ${process.argv.slice(2).join(" ")}`,
  machine: `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  people: rows.length,
  records: n,
  profiles: report.people,
  households: report.households,
  sizes: report.sizes,
  privateHouseholds: pairwiseHouseholds(privateHouseholds, predicted),
  everyone: pairwiseHouseholds(all, predicted),
  seconds: { import: importSeconds, master: masterSeconds, qualityAndHouseholds: householdSeconds },
};
if (opts.json) console.log(JSON.stringify(result, null, 2));
else {
  const f = (x: number) => x.toFixed(4);
  console.log(
    `${result.people.toLocaleString("en-US")} people, ${n.toLocaleString("en-US")} records → ${report.people.toLocaleString("en-US")} profiles → ${report.households.toLocaleString("en-US")} households ${JSON.stringify(report.sizes)}`,
  );
  console.log(
    `people in private households (${result.privateHouseholds.people.toLocaleString("en-US")}): precision ${f(result.privateHouseholds.precision)}, recall ${f(result.privateHouseholds.recall)} (${result.privateHouseholds.truePairs.toLocaleString("en-US")} true pairs)`,
  );
  console.log(
    `everyone, group quarters too (${result.everyone.people.toLocaleString("en-US")}): precision ${f(result.everyone.precision)}, recall ${f(result.everyone.recall)} (${result.everyone.truePairs.toLocaleString("en-US")} true pairs)`,
  );
  console.log(
    `seconds: import ${importSeconds.toFixed(1)}, master ${masterSeconds.toFixed(1)}, quality and households ${householdSeconds.toFixed(1)}`,
  );
}
