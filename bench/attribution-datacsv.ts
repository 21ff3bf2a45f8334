/**
 * Attribution on ChannelAttribution's example paths (Data.csv): every model's credit, and how far the
 * package's simulation-based Markov estimate lands from the exact absorbing-chain solution.
 *
 * The package (ChannelAttribution ≥ 2, `markov_model`) simulates walks through the fitted chain from the
 * start (by default 10⁵ in 10 folds, at most as many steps as the longest observed path), and credits each
 * channel with the share of converting walks that visit it. That share is exactly the removal effect
 * P(visit c | conversion) = 1 − P(conversion without c) / P(conversion), so the two differ only by
 * simulation noise and the step cap. `simulate` below re-implements that procedure (our code, the
 * package's algorithm) to measure the difference, since the package itself (R/Python with a C++ core) is not
 * installable here.
 *
 *   npx tsx bench/attribution-datacsv.ts [--sims 100000]
 */
import { attribute } from "../src/analytics/attribution/attribute.js";
import { buildChain } from "../src/analytics/attribution/markov.js";
import { type PathTable, PathTableBuilder, splitPath } from "../src/analytics/attribution/paths.js";
import { Random } from "../src/predict/random.js";
import { datasetFile, missingDataset, readSimpleTable } from "../src/predict/testing.js";

const file = datasetFile("channelattribution", "Data.csv");
if (!file) {
  console.log(missingDataset("channelattribution", "Data.csv"));
  process.exit(0);
}
const simsArg = process.argv.indexOf("--sims");
const sims = simsArg > 0 ? Number(process.argv[simsArg + 1]) : 100_000;

const builder = new PathTableBuilder();
for (const r of readSimpleTable(file, ";"))
  builder.add({
    touchpoints: splitPath(r.path ?? ""),
    conversions: Number(r.total_conversions),
    value: Number(r.total_conversion_value),
    nulls: Number(r.total_null),
  });
const table = builder.build();
const t0 = performance.now();
const report = attribute(table);
const ms = performance.now() - t0;

/** The package's procedure: walks from the start, at most `maxSteps` steps; credit by visits of converting walks. */
function simulate(t: PathTable, order: number, n: number, seed: number, maxSteps: number): Float64Array {
  const m = buildChain(t, order);
  const rng = new Random(seed);
  const nc = t.channels.length;
  const visits = new Float64Array(nc);
  const seen = new Uint8Array(nc);
  for (let i = 0; i < n; i++) {
    seen.fill(0);
    let s = 0;
    let converted = false;
    for (let step = 0; step <= maxSteps; step++) {
      let u = rng.next();
      // Exits first, then the transitions in CSR order.
      if (u < (m.toConversion[s] as number)) {
        converted = true;
        break;
      }
      u -= m.toConversion[s] as number;
      if (u < (m.toNull[s] as number)) break;
      u -= m.toNull[s] as number;
      let next = -1;
      const end = m.chain.rowStart[s + 1] as number;
      for (let k = m.chain.rowStart[s] as number; k < end; k++) {
        next = m.chain.col[k] as number;
        u -= m.chain.prob[k] as number;
        if (u < 0) break;
      }
      if (next < 0) break;
      s = next;
      for (const c of m.stateChannels[s] as Int32Array) seen[c] = 1;
    }
    if (converted) {
      for (let c = 0; c < nc; c++) if (seen[c]) visits[c] = (visits[c] as number) + 1;
    }
  }
  const total = visits.reduce((a, b) => a + b, 0);
  return visits.map((v) => (v / total) * report.conversions);
}

let maxSteps = 0;
for (const p of table.paths) maxSteps = Math.max(maxSteps, p.length + 1);

console.log(
  `Data.csv: ${table.journeys.toLocaleString("en-US")} journeys (${table.paths.length.toLocaleString("en-US")} distinct paths, 10,000 rows), ${report.conversions.toLocaleString("en-US")} conversions, value ${report.value.toFixed(3)}; all ${report.models.length} models in ${ms.toFixed(0)} ms\n`,
);
const head = ["channel", ...report.models.map((m) => m.model)];
console.log(`| ${head.join(" | ")} |`);
console.log(`|${head.map(() => "---").join("|")}|`);
const order = report.channels
  .map((c, i) => ({
    c,
    i,
    v: report.models.find((m) => m.model === "markov_1")?.credits[i]?.conversions ?? 0,
  }))
  .sort((a, b) => b.v - a.v);
for (const { c, i } of order)
  console.log(
    `| ${c} | ${report.models.map((m) => (m.credits[i]?.conversions ?? 0).toFixed(1)).join(" | ")} |`,
  );
console.log("\nMarkov removal effects (conversions):\n");
console.log("| channel | order 1 | order 2 | order 3 |\n|---|---|---|---|");
for (const { c, i } of order)
  console.log(
    `| ${c} | ${[1, 2, 3].map((k) => ((report.models.find((m) => m.model === `markov_${k}`)?.removalEffects?.[i]?.conversions ?? 0) * 100).toFixed(2)).join(" % | ")} % |`,
  );
for (const k of [1, 2, 3]) {
  const m = report.models.find((x) => x.model === `markov_${k}`);
  console.log(
    `\nmarkov_${k}: ${m?.chain?.states} states, ${m?.chain?.solver}, ${report.timings[`markov_${k}`]?.toFixed(0)} ms`,
  );
}

console.log(
  `\nExact vs the package's simulation (${sims.toLocaleString("en-US")} walks, at most ${maxSteps} steps; 5 seeds):\n`,
);
console.log(
  "| order | mean abs. diff. (conversions) | largest abs. diff. | largest rel. diff. (channels ≥ 100 conv.) | sum of |diff| / total |",
);
console.log("|---|---|---|---|---|");
for (const k of [1, 2, 3]) {
  const exact = report.models.find((x) => x.model === `markov_${k}`)?.credits.map((c) => c.conversions) ?? [];
  let sumAbs = 0;
  let maxAbs = 0;
  let maxRel = 0;
  let l1 = 0;
  let count = 0;
  for (let seed = 1; seed <= 5; seed++) {
    const sim = simulate(table, k, sims, seed, maxSteps);
    let l1run = 0;
    for (let c = 0; c < exact.length; c++) {
      const d = Math.abs((sim[c] as number) - (exact[c] as number));
      sumAbs += d;
      count++;
      l1run += d;
      maxAbs = Math.max(maxAbs, d);
      if ((exact[c] as number) >= 100) maxRel = Math.max(maxRel, d / (exact[c] as number));
    }
    l1 += l1run / report.conversions / 5;
  }
  console.log(
    `| ${k} | ${(sumAbs / count).toFixed(1)} | ${maxAbs.toFixed(1)} | ${(100 * maxRel).toFixed(2)} % | ${(100 * l1).toFixed(2)} % |`,
  );
}
