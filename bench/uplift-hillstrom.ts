/**
 * Uplift on Hillstrom's e-mail experiment: men's and women's e-mail against no e-mail, on visit and
 * conversion, two-model and class transformation over logistic regression and boosted trees; Qini and uplift
 * curves on a stratified 30 % held out (seed 1). Writes the curves to an HTML page.
 *
 *   npx tsx bench/uplift-hillstrom.ts [report.html]
 */
import { writeFileSync } from "node:fs";
import { upliftReportHtml } from "../src/analytics/uplift/report.js";
import { upliftCurveSets, upliftFromFile } from "../src/jobs/uplift.js";
import { datasetFile, missingDataset } from "../src/predict/testing.js";

const file = datasetFile("hillstrom", "hillstrom.csv");
if (!file) {
  console.log(missingDataset("hillstrom", "hillstrom.csv"));
  process.exit(0);
}
const out = process.argv[2] ?? "/tmp/tessera-uplift-hillstrom.html";
const t0 = performance.now();
const report = await upliftFromFile(file, { learners: ["logistic", "gbdt"] });
writeFileSync(out, upliftReportHtml("Uplift on Hillstrom's e-mail experiment", upliftCurveSets(report)));
console.log(
  `features: ${report.features.join(", ")}; ${((performance.now() - t0) / 1000).toFixed(1)} s in all; curves in ${out}\n`,
);
console.log(
  "| arm vs No E-Mail | outcome | rates treated / control | model | Qini coef. | AUUC | uplift top 10 % | top 30 % | all (test) | fit+score |",
);
console.log("|---|---|---|---|---|---|---|---|---|---|");
for (const a of report.arms)
  for (const r of a.results) {
    const at = (f: number) =>
      `${(100 * (r.evaluation.upliftAt.find((x) => x.fraction === f)?.uplift ?? 0)).toFixed(2)}`;
    console.log(
      `| ${a.treatment} | ${a.outcome} | ${(100 * a.treatedRate).toFixed(2)} % / ${(100 * a.controlRate).toFixed(2)} % | ${r.method} (${r.learner}) | ${r.evaluation.qini.toFixed(3)} | ${r.evaluation.auuc.toFixed(3)} | ${at(0.1)} | ${at(0.3)} | ${(100 * r.evaluation.ate).toFixed(2)} | ${(r.ms / 1000).toFixed(1)} s |`,
    );
  }
