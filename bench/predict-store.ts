/**
 * Predictive scores on a store: a generated shop (CRM, orders, app events, web sign-ups) imported and
 * mastered into golden profiles — not timed — then each job as `tessera predict` runs it, timed: gathering
 * the profiles' activity, lifetime value (fit, holdout, four scores written), buy propensity (three moments,
 * both models, scores with reasons written) and a lookalike of the top 2 % by lifetime value (hidden-half
 * evaluation, scores and the saved audience).
 *
 *   npx tsx bench/predict-store.ts --people 20000 [--db /tmp/tessera-predict/bench.db] [--json]
 *
 * An existing --db is reused as it is (delete it to regenerate).
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Command } from "commander";
import { importSource } from "../src/jobs/import-source.js";
import { masterRecords } from "../src/jobs/master-records.js";
import { loadStoreActivity } from "../src/jobs/predict-activity.js";
import { predictClvOnStore } from "../src/jobs/predict-clv.js";
import { predictLookalikeOnStore } from "../src/jobs/predict-lookalike.js";
import { predictPropensityOnStore } from "../src/jobs/predict-propensity.js";
import { loadMapping } from "../src/mapping/load-mapping.js";
import { openStore } from "../src/store/open-store.js";
import { topScores } from "../src/store/scores.js";
import { generate } from "../src/synthetic/generate.js";

const opts = new Command()
  .option("--people <n>", "people in the generated shop", "20000")
  .option("--db <file>", "the SQLite store", "/tmp/tessera-predict/bench.db")
  .option("--json", "print one JSON object")
  .parse()
  .opts<{ people: string; db: string; json?: boolean }>();

const log = (line: string) => {
  if (!opts.json) console.error(line);
};
const peak = () => Math.round(process.resourceUsage().maxRSS / 1024);
const fresh = !existsSync(opts.db);
mkdirSync(dirname(opts.db), { recursive: true });
const store = await openStore({ file: opts.db });
if (fresh) {
  const dir = join(dirname(opts.db), `data-${opts.people}`);
  log(`generating ${opts.people} people in ${dir}`);
  await generate({ people: Number(opts.people), seed: 9, outDir: dir });
  for (const [source, file] of [
    ["crm", "crm.csv"],
    ["orders", "orders.csv"],
    ["app_events", "app_events.jsonl"],
    ["web_signups", "web_signups.jsonl"],
  ] as const) {
    log(`importing ${file}`);
    await importSource(store, {
      path: join(dir, file),
      mapping: loadMapping(join(dir, "mappings", `${source}.json`)),
    });
  }
  log("mastering");
  await masterRecords(store);
}

const seconds: Record<string, number> = {};
async function timed<T>(name: string, work: () => Promise<T>): Promise<T> {
  const t = performance.now();
  const out = await work();
  seconds[name] = (performance.now() - t) / 1000;
  log(`${name}: ${seconds[name]?.toFixed(1)} s`);
  return out;
}

const activity = await timed("activity", () => loadStoreActivity(store));
const clv = await timed("clv", () => predictClvOnStore(store, { log }));
const propensity = await timed("propensity:buy", () =>
  predictPropensityOnStore(store, { target: "buy", log }),
);
const best = await topScores(store.db, "clv", { limit: Math.round(clv.report.customers * 0.02) });
const seedFile = join(dirname(opts.db), "seed.txt");
writeFileSync(seedFile, best.map((b) => b.entityId).join("\n"));
const lookalike = await timed("lookalike", () =>
  predictLookalikeOnStore(store, { name: "top-clv", seedFile, top: 1000, log }),
);
await store.close();

const result = {
  people: Number(opts.people),
  records: activity.records,
  profiles: activity.customers.length,
  transactions: activity.transactions,
  clv: {
    customers: clv.report.customers,
    parameters: clv.report.fit.parameters,
    holdoutAuc: clv.report.holdout?.purchases.auc ?? null,
    holdoutPredicted: clv.report.holdout?.purchases.predicted ?? null,
    holdoutActual: clv.report.holdout?.purchases.actual ?? null,
  },
  propensity: {
    rows: propensity.rows,
    scored: propensity.scored,
    chosen: propensity.chosen,
    testAuc: Object.fromEntries(propensity.models.map((m) => [m.kind, m.test.auc])),
  },
  lookalike: {
    seed: lookalike.seed.size,
    candidates: lookalike.candidates,
    recall: lookalike.evaluation?.recall,
  },
  seconds,
  peakRssMiB: peak(),
};
if (opts.json) console.log(JSON.stringify(result, null, 2));
else console.log(JSON.stringify(result, null, 1));
