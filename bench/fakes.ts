/**
 * Benchmark: fake-profile detection on generated data with known fakes. Generates N people (2 % fake profiles:
 * throwaway mailboxes, keyboard-mash and famous names, impossible birth dates, sign-up bursts from one IP,
 * device farms, astroturf rings), imports and masters them, runs the quality job, and compares each golden
 * profile's "likely fake" (score ≥ threshold) with the truth — a profile is fake when most of its records are
 * a fake person's.
 *
 *   npx tsx bench/fakes.ts --people 20000 [--seed 11] [--dir /tmp/tessera-quality] [--fresh] [--json]
 */
import { cpus, totalmem } from "node:os";
import { Command } from "commander";
import { runQuality } from "../src/jobs/quality.js";
import { entityTruth, generatedStore, readTruth } from "./quality-data.js";

const opts = new Command()
  .option("--people <n>", "people to generate", "20000")
  .option("--seed <n>", "seed", "11")
  .option("--dir <dir>", "working folder", "/tmp/tessera-quality")
  .option("--fresh", "generate, import and master again even when a store of this size and seed exists")
  .option("--show <n>", "print this many misses of each kind", "0")
  .option("--json", "print one JSON object")
  .parse()
  .opts<{ people: string; seed: string; dir: string; fresh?: boolean; show: string; json?: boolean }>();

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
const t = performance.now();
const run = await runQuality(data.store, { progress: (stage, detail) => log(`${stage}: ${detail ?? ""}`) });
const qualitySeconds = (performance.now() - t) / 1000;
const truth = await entityTruth(data.store, readTruth(data.dataDir));
const rows = await data.store.db
  .selectFrom("profile_quality")
  .select(["entity_id", "fake_score", "fake_reasons"])
  .execute();
const threshold = run.summary.fakes.threshold;
let tp = 0;
let fp = 0;
let fn = 0;
const misses: { kind: string; entity: string; score: number; reasons: string; person: string }[] = [];
for (const r of rows) {
  const t = truth.get(r.entity_id);
  if (!t) continue;
  const predicted = Number(r.fake_score) >= threshold;
  const reasons = String(r.fake_reasons);
  if (predicted && t.fake) tp++;
  else if (predicted) {
    fp++;
    misses.push({
      kind: "false positive",
      entity: r.entity_id,
      score: Number(r.fake_score),
      reasons,
      person: t.person,
    });
  } else if (t.fake) {
    fn++;
    misses.push({
      kind: "missed fake",
      entity: r.entity_id,
      score: Number(r.fake_score),
      reasons,
      person: t.person,
    });
  }
}
await data.store.close();
const result = {
  command: `npx tsx bench/fakes.ts ${process.argv.slice(2).join(" ")}`,
  machine: `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  people: Number(opts.people),
  records: data.records,
  profiles: rows.length,
  fakeProfiles: tp + fn,
  threshold,
  truePositives: tp,
  falsePositives: fp,
  falseNegatives: fn,
  precision: tp / Math.max(1, tp + fp),
  recall: tp / Math.max(1, tp + fn),
  byReason: run.summary.fakes.byReason,
  seconds: { ...data.seconds, quality: qualitySeconds, stages: run.seconds },
};
if (opts.json) console.log(JSON.stringify(result, null, 2));
else {
  console.log(
    `${result.profiles.toLocaleString("en-US")} profiles, ${result.fakeProfiles} fake: precision ${result.precision.toFixed(4)}, recall ${result.recall.toFixed(4)} (tp ${tp}, fp ${fp}, fn ${fn}) at score ≥ ${threshold}`,
  );
  console.log(
    `quality run ${qualitySeconds.toFixed(1)} s; reasons among likely fakes: ${JSON.stringify(result.byReason)}`,
  );
  for (const m of misses.slice(0, Number(opts.show) * 2))
    console.log(`${m.kind} ${m.entity} (${m.person}) ${m.score}: ${m.reasons}`);
}
