import type { ImportReport } from "../jobs/import-source.js";
import { table } from "./table.js";

export function printImportReports(reports: ImportReport[]): void {
  console.log(
    table(
      ["source", "rows read", "new", "new versions", "unchanged", "quarantined", "rows/s"],
      reports.map((r) => [
        r.source,
        r.rowsRead,
        r.newRecords,
        r.newVersions,
        r.unchanged,
        r.quarantined,
        Math.round(r.rowsPerSecond),
      ]),
    ),
  );
  const issues = new Map<string, number>();
  for (const r of reports) {
    for (const [code, n] of Object.entries(r.issueCounts)) issues.set(code, (issues.get(code) ?? 0) + n);
  }
  if (issues.size > 0) {
    const top = [...issues.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12);
    console.log(`\nData issues found while standardising (records keep them; top ${top.length}):`);
    console.log(
      table(
        ["issue", "count"],
        top.map(([code, n]) => [code, n]),
      ),
    );
  }
}
