import { rmSync } from "node:fs";
import { type BlockingMode, forEachCandidatePair } from "../resolve/blocking.js";
import { compileComparison } from "../resolve/comparison.js";
import { RecordTableBuilder } from "../resolve/features.js";
import { type MatchModel, pairScorer } from "../resolve/model.js";
import {
  type FeatureKinds,
  linesToBatch,
  pairOwner,
  ruleKeys,
  type TermCounts,
  WeightTally,
  withGlobalFrequencies,
} from "../resolve/partitioned.js";
import type { BlockingRuleSpec } from "../resolve/settings.js";
import { PairWriter, readLines } from "./resolve-partitioned-spill.js";

/** What scoring one partition needs: plain data, so that a worker thread can be handed it. */
export interface PartitionSetup {
  features: string[];
  kinds: FeatureKinds;
  tfFeatures: string[];
  terms: TermCounts;
  model: MatchModel;
  rules: BlockingRuleSpec[];
  mode: BlockingMode;
  maxBlockSize: number;
  partitions: number;
  dir: string;
}

export interface PartitionOutcome {
  partition: number;
  records: number;
  pairs: number;
  seconds: number;
  rssMiB: number;
  pairsPath: string;
  tally: ReturnType<WeightTally["snapshot"]>;
}

/**
 * Scores the pairs partition `p` owns: its spilled records become a record table with the term frequencies
 * of all records, the in-memory blocking enumerates its candidate pairs, and those whose smallest shared key
 * belongs to `p` are scored (weights without the prior) into `pairs-<p>.bin`. The records file is removed.
 */
export function scorePartition(setup: PartitionSetup, p: number): PartitionOutcome {
  const started = performance.now();
  const recordsPath = `${setup.dir}/records-${p}.txt`;
  const builder = new RecordTableBuilder(setup.features);
  const gidParts: Int32Array[] = [];
  for (const lines of readLines(recordsPath)) {
    const { batch, gids } = linesToBatch(lines, setup.kinds);
    builder.add(batch);
    gidParts.push(gids);
  }
  rmSync(recordsPath);
  const gids = new Int32Array(gidParts.reduce((sum, g) => sum + g.length, 0));
  let at = 0;
  for (const g of gidParts) {
    gids.set(g, at);
    at += g.length;
  }
  gidParts.length = 0;
  const table = withGlobalFrequencies(builder.finish(), setup.tfFeatures, setup.terms);
  const keys = setup.rules.map((rule) => ruleKeys(table, rule));
  const scorer = pairScorer(
    { ...setup.model, prior: 0.5 },
    setup.model.specs.map((s) => compileComparison(s, table)),
  );
  const pairsPath = `${setup.dir}/pairs-${p}.bin`;
  const out = new PairWriter(pairsPath);
  const tally = new WeightTally();
  const P = setup.partitions;
  forEachCandidatePair(table, setup.rules, setup.mode, { maxBlockSize: setup.maxBlockSize }, (i, j, rule) => {
    if (pairOwner(keys[rule] as (typeof keys)[number], i, j, P) !== p) return;
    const weight = scorer.weight(i, j);
    out.push(gids[i] as number, gids[j] as number, weight);
    tally.add(weight);
  });
  out.close();
  return {
    partition: p,
    records: table.size,
    pairs: out.pairs,
    seconds: (performance.now() - started) / 1000,
    rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20),
    pairsPath,
    tally: tally.snapshot(),
  };
}
