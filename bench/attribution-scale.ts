/**
 * Attribution over 1,000,000 synthetic journeys (seeded): 12 channels, paths of 1–12 touchpoints drawn from
 * a first-order chain with channel popularity, conversion by a logistic model of the distinct channels touched,
 * value log-normal. Times (a) building the path table in memory and every model over it, and (b) the whole
 * command path: a 1M-row journeys CSV read, aggregated and attributed by every model, as `tessera attribution
 * file.csv` does.
 *
 *   flock /tmp/bench.lock npx tsx bench/attribution-scale.ts [--journeys 1000000] [--seed 7]
 */
import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { attribute } from "../src/analytics/attribution/attribute.js";
import { PathTableBuilder } from "../src/analytics/attribution/paths.js";
import { attributionFromCsv } from "../src/jobs/attribution.js";
import { Random } from "../src/predict/random.js";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const journeys = arg("--journeys", 1_000_000);
const seed = arg("--seed", 7);
const channels = [
  "search",
  "display",
  "social",
  "email",
  "affiliate",
  "video",
  "direct",
  "referral",
  "sms",
  "push",
  "tv",
  "podcast",
];
const popularity = [10, 8, 7, 6, 3, 3, 9, 4, 2, 2, 1, 1];
const effect = [0.6, 0.1, 0.3, 0.8, 0.5, 0.2, 0.4, 0.3, 0.7, 0.2, 0.1, 0.05];

function generate(emit: (codes: Int32Array, converted: number, value: number) => void): void {
  const rng = new Random(seed);
  const total = popularity.reduce((a, b) => a + b, 0);
  const pick = (stay: number, prev: number) => {
    if (prev >= 0 && rng.next() < stay) return prev;
    let u = rng.next() * total;
    for (let c = 0; c < channels.length; c++) {
      u -= popularity[c] as number;
      if (u < 0) return c;
    }
    return channels.length - 1;
  };
  const seen = new Uint8Array(channels.length);
  for (let j = 0; j < journeys; j++) {
    let n = 1;
    while (n < 12 && rng.next() < 0.72) n++;
    const codes = new Int32Array(n);
    seen.fill(0);
    let prev = -1;
    let z = -3.2;
    for (let k = 0; k < n; k++) {
      prev = pick(0.25, prev);
      codes[k] = prev;
      if (!seen[prev]) {
        seen[prev] = 1;
        z += effect[prev] as number;
      }
    }
    const converted = rng.next() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
    emit(codes, converted, converted ? Math.exp(3.5 + 0.8 * rng.normal()) : 0);
  }
}

const memory = () => `${(process.memoryUsage().rss / 2 ** 30).toFixed(2)} GiB`;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

// (a) in memory
let t0 = performance.now();
const builder = new PathTableBuilder();
for (const c of channels) builder.code(c);
generate((codes, converted, value) => builder.addCodes(codes, converted, value, 1 - converted));
const table = builder.build();
const buildMs = performance.now() - t0;
t0 = performance.now();
const report = attribute(table);
const modelsMs = performance.now() - t0;
console.log(
  `${journeys.toLocaleString("en-US")} journeys → ${table.paths.length.toLocaleString("en-US")} distinct paths, ${report.conversions.toLocaleString("en-US")} conversions; generated and aggregated in ${s(buildMs)}; all models ${s(modelsMs)}; rss ${memory()}\n`,
);
console.log("| model | time | states | solver |\n|---|---|---|---|");
for (const m of report.models)
  console.log(
    `| ${m.model} | ${s(report.timings[m.model] ?? 0)} | ${m.chain?.states ?? ""} | ${m.chain?.solver ?? ""} |`,
  );

// (b) the command path over a CSV file
const file = join(tmpdir(), `tessera-journeys-${process.pid}.csv`);
try {
  t0 = performance.now();
  const lines: string[] = ["path;total_conversions;total_conversion_value;total_null"];
  generate((codes, converted, value) =>
    lines.push(
      `${Array.from(codes, (c) => channels[c]).join(" > ")};${converted};${value.toFixed(2)};${1 - converted}`,
    ),
  );
  writeFileSync(file, `${lines.join("\n")}\n`);
  lines.length = 0;
  const writeMs = performance.now() - t0;
  t0 = performance.now();
  const fromCsv = await attributionFromCsv(file);
  const csvMs = performance.now() - t0;
  const readMs = csvMs - Object.values(fromCsv.timings).reduce((a, b) => a + b, 0);
  console.log(
    `\nCSV (${journeys.toLocaleString("en-US")} rows, written in ${s(writeMs)}): read and aggregated in ${s(readMs)}, all ${fromCsv.models.length} models ${s(csvMs - readMs)}; end to end ${s(csvMs)}; rss ${memory()}`,
  );
  const same = fromCsv.models.every((m, i) =>
    m.credits.every(
      (c) =>
        Math.abs(
          c.conversions -
            (report.models[i]?.credits.find((x) => x.channel === c.channel)?.conversions ?? Number.NaN),
        ) < 1e-6,
    ),
  );
  console.log(`the CSV path gives the same credit as the in-memory one: ${same ? "yes" : "NO"}`);
} finally {
  rmSync(file, { force: true });
}
