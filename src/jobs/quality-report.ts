import { writeFileSync } from "node:fs";
import { qualityReportHtml } from "../master/quality/report-html.js";
import type { QualitySummary } from "../master/quality/summary.js";
import type { Store } from "../store/open-store.js";
import { latestQualityRun } from "../store/quality.js";

/**
 * The report of the latest quality run: an HTML page with charts and the same figures as JSON, drawn from one
 * summary so the two always agree.
 */
export async function qualityReport(
  store: Store,
): Promise<{ runId: number; summary: QualitySummary; html: string }> {
  const run = await latestQualityRun<QualitySummary>(store.db);
  if (!run) throw new Error("no quality run yet: run tessera quality run first (or give --fresh)");
  return { runId: run.id, summary: run.summary, html: qualityReportHtml(run.summary) };
}

export async function writeQualityReport(
  store: Store,
  paths: { html: string; json: string },
): Promise<{ runId: number; summary: QualitySummary }> {
  const { runId, summary, html } = await qualityReport(store);
  writeFileSync(paths.html, html);
  writeFileSync(paths.json, `${JSON.stringify(summary, null, 2)}\n`);
  return { runId, summary };
}
