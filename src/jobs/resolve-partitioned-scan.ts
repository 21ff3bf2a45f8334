import type { MatchRecord } from "../model/match-record.js";
import type { BlockingRule } from "../resolve/blocking.js";
import {
  extractFeatures,
  type FeatureBatch,
  RecordTableBuilder,
  type RecordToResolve,
  withoutValues,
} from "../resolve/features.js";
import {
  type FeatureKinds,
  featureKinds,
  forEachTermValue,
  hash53,
  recordLine,
  recordPartitions,
  ruleKeys,
} from "../resolve/partitioned.js";
import type { RecordTable } from "../resolve/record-table.js";
import type { MatchViewRow } from "../store/match-views.js";

/** What scanning a page of match views needs: plain data, so that a worker thread can be handed it. */
export interface ScanSetup {
  features: string[];
  tfFeatures: string[];
  rules: BlockingRule[];
  excluded: Readonly<Record<string, readonly string[]>> | null;
  partitions: number;
  termBuckets: number;
  sampleRate: number;
}

/** A scanned page: its records' lines per partition, term hashes per bucket, counts, sampled features. */
export interface ScannedPage {
  size: number;
  kinds: FeatureKinds;
  /** Per partition: its lines of this page joined by newlines ("" for none). */
  lines: string[];
  lineCounts: Int32Array;
  terms: Float64Array[];
  termTotals: [string, number][];
  perSource: [string, number][];
  sample: FeatureBatch | null;
}

/**
 * One page of the scan: records numbered from `gidBase` become a small table, their blocking keys are hashed,
 * and each record's line goes to every partition one of its keys belongs to.
 */
export function scanPage(setup: ScanSetup, rows: readonly MatchViewRow[], gidBase: number): ScannedPage {
  const { features, partitions, termBuckets } = setup;
  const records: RecordToResolve[] = rows.map((r) => ({
    key: "",
    source: r.source,
    standardized: JSON.parse(r.view) as MatchRecord,
  }));
  const builder = new RecordTableBuilder(features);
  builder.add(extractFeatures(records, features));
  let table: RecordTable = builder.finish();
  if (setup.excluded) table = withoutValues(table, setup.excluded);
  const kinds = featureKinds(table, features);
  const keys = setup.rules.map((rule) => ruleKeys(table, rule));
  const parts: string[][] = Array.from({ length: partitions }, () => []);
  const partitionsOf = new Int32Array(Math.max(1, partitions));
  for (let r = 0; r < table.size; r++) {
    const n = recordPartitions(keys, r, partitions, partitionsOf);
    if (n === 0) continue;
    const line = recordLine(table, kinds, r, gidBase + r);
    for (let q = 0; q < n; q++) (parts[partitionsOf[q] as number] as string[]).push(line);
  }
  const buckets: number[][] = Array.from({ length: termBuckets }, () => []);
  const totals = forEachTermValue(table, setup.tfFeatures, (h) =>
    (buckets[Math.min(termBuckets - 1, Math.floor((h / 2 ** 53) * termBuckets))] as number[]).push(h),
  );
  const perSource = new Map<string, number>();
  for (const r of rows) perSource.set(r.source, (perSource.get(r.source) ?? 0) + 1);
  const sampled =
    setup.sampleRate >= 1
      ? records
      : records.filter((_, r) => hash53(String(gidBase + r)) / 2 ** 53 < setup.sampleRate);
  return {
    size: rows.length,
    kinds,
    lines: parts.map((list) => list.join("\n")),
    lineCounts: Int32Array.from(parts, (list) => list.length),
    terms: buckets.map((b) => Float64Array.from(b)),
    termTotals: [...totals],
    perSource: [...perSource],
    sample: sampled.length > 0 ? extractFeatures(sampled, features) : null,
  };
}
