import { sql } from "kysely";
import { dayMs } from "../analytics/computed-traits.js";
import {
  type ClusterDescription,
  chooseK,
  describeClusters,
  seededRandom,
  standardise,
} from "../analytics/kmeans.js";
import { writeTraitValues } from "../store/audiences.js";
import type { Store } from "../store/open-store.js";
import { fromJson } from "../store/schema.js";
import { getState, putState } from "../store/stewardship.js";
import { type ProgressReporter, silentProgress } from "./progress.js";

/**
 * Micro-segments: every profile with events described by behavioural features (from the event rollup) and, when
 * an RFM trait exists, its frequency and monetary value; k-means on log-scaled, standardised features (fitted
 * on a sample, every profile then assigned to its nearest centre), k chosen by silhouette; each cluster
 * described by the features whose mean stands furthest from the overall mean. The cluster of each profile is
 * the computed trait `microsegment`, so segments can use it.
 */

const stateKey = "audiences.microsegments";
export const microsegmentTrait = "microsegment";

export interface MicroSegmentRun {
  at: string;
  profiles: number;
  sampled: number;
  features: string[];
  k: number;
  tried: { k: number; silhouette: number; inertia: number }[];
  clusters: ClusterDescription[];
  ms: number;
}

export interface MicroSegmentOptions {
  minK?: number;
  maxK?: number;
  seed?: number;
  /** Profiles k-means is fitted on (default 20,000); every profile is then assigned. */
  sample?: number;
  now?: number;
  progress?: ProgressReporter;
}

export async function runMicroSegments(store: Store, o: MicroSegmentOptions = {}): Promise<MicroSegmentRun> {
  const started = performance.now();
  const progress = o.progress ?? silentProgress;
  const now = o.now ?? Date.now();
  const today = Math.floor(now / dayMs);
  const minK = o.minK ?? 2;
  const maxK = o.maxK ?? 8;
  if (!(Number.isInteger(minK) && Number.isInteger(maxK) && minK >= 2 && maxK >= minK && maxK <= 30))
    throw new RangeError(`k must range within 2..30 with minK ≤ maxK (got ${minK}..${maxK})`);
  progress.start("micro-segments: features", null, "profiles");
  const rows = await sql<{
    entity_id: string;
    total: number | string;
    d30: number | string;
    d90: number | string;
    days: number | string;
    names: number | string;
    last: number | string;
    first: number | string;
  }>`select l.entity_id,
        sum(r.n) as total,
        sum(case when r.day > ${today - 30} then r.n else 0 end) as d30,
        sum(case when r.day > ${today - 90} then r.n else 0 end) as d90,
        count(distinct r.day) as days,
        count(distinct r.name) as names,
        max(r.day) as last,
        min(r.day) as first
      from event_rollup r
      join entity_link l on l.record_key = r.record_key
      join entity e on e.id = l.entity_id and e.status = 'active'
      group by l.entity_id
      order by l.entity_id`.execute(store.db);
  const rfm = new Map<string, { frequency: number; monetary: number }>();
  const rfmName = (await store.db.selectFrom("computed_trait").select(["name", "definition"]).execute()).find(
    (t) => fromJson<{ kind?: string }>(t.definition).kind === "rfm",
  )?.name;
  if (rfmName) {
    const values = await store.db
      .selectFrom("computed_trait_value")
      .select(["entity_id", "value"])
      .where("name", "=", rfmName)
      .execute();
    for (const v of values) {
      const x = fromJson<{ v: { frequency?: number; monetary?: number } | null }>(v.value).v;
      if (x) rfm.set(v.entity_id, { frequency: Number(x.frequency ?? 0), monetary: Number(x.monetary ?? 0) });
    }
  }
  const features = [
    "events",
    "events_30d",
    "events_90d",
    "active_days",
    "event_kinds",
    "recency_days",
    "tenure_days",
    ...(rfm.size > 0 ? ["orders", "spend"] : []),
  ];
  const d = features.length;
  const n = rows.rows.length;
  if (n < minK + 1)
    throw new RangeError(`only ${n} profiles have events: too few for ${minK} micro-segments`);
  const raw = new Float64Array(n * d);
  const ids: string[] = [];
  for (const [i, r] of rows.rows.entries()) {
    ids.push(r.entity_id);
    const f = [
      Number(r.total),
      Number(r.d30),
      Number(r.d90),
      Number(r.days),
      Number(r.names),
      today - Number(r.last),
      today - Number(r.first),
    ];
    if (rfm.size > 0) {
      const x = rfm.get(r.entity_id);
      f.push(x?.frequency ?? 0, x?.monetary ?? 0);
    }
    raw.set(f, i * d);
  }
  // Counts and amounts are skewed: clustered on log(1 + x).
  const logged = raw.map((v) => Math.log1p(Math.max(0, v)));
  const x = standardise(logged, n, d);
  // Fitted on a sample.
  const sampleSize = Math.min(n, o.sample ?? 20_000);
  const random = seededRandom(o.seed ?? 1);
  const pick = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < sampleSize; i++) {
    const j = i + Math.floor(random() * (n - i));
    [pick[i], pick[j]] = [pick[j] as number, pick[i] as number];
  }
  const sample = new Float64Array(sampleSize * d);
  for (let i = 0; i < sampleSize; i++)
    sample.set(x.data.subarray((pick[i] as number) * d, (pick[i] as number) * d + d), i * d);
  progress.stop(`${n.toLocaleString("en-US")} profiles, ${d} features`);
  const sx = { ...x, data: sample, n: sampleSize };
  const { best, tried } = chooseK(sx, [minK, maxK], { seed: o.seed ?? 1, sample: 2000 });
  // Every profile to its nearest centre.
  const assignment = new Int32Array(n);
  const sizes = new Array<number>(best.k).fill(0);
  for (let i = 0; i < n; i++) {
    let c = 0;
    let bestD = Number.POSITIVE_INFINITY;
    for (let k = 0; k < best.k; k++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (x.data[i * d + j]! - best.centroids[k * d + j]!) ** 2;
      if (s < bestD) {
        bestD = s;
        c = k;
      }
    }
    assignment[i] = c;
    sizes[c]!++;
  }
  // Described in the features' own units: z of each cluster's raw mean against the overall raw mean.
  const rawStd = standardise(raw, n, d);
  const centroids = new Float64Array(best.k * d);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++)
      centroids[assignment[i]! * d + j]! += rawStd.data[i * d + j]! / sizes[assignment[i]!]!;
  const clusters = describeClusters(
    rawStd,
    { k: best.k, centroids, assignment, sizes, inertia: best.inertia, iterations: best.iterations },
    features,
  );
  const at = new Date(now).toISOString();
  await store.db.transaction().execute(async (trx) => {
    await trx.deleteFrom("computed_trait_value").where("name", "=", microsegmentTrait).execute();
    await writeTraitValues(
      trx,
      ids.map((entityId, i) => ({ name: microsegmentTrait, entityId, value: assignment[i], state: null })),
      at,
    );
  });
  const run: MicroSegmentRun = {
    at,
    profiles: n,
    sampled: sampleSize,
    features,
    k: best.k,
    tried,
    clusters,
    ms: Math.round(performance.now() - started),
  };
  await putState(store.db, stateKey, run, at);
  return run;
}

export async function latestMicroSegments(store: Store): Promise<MicroSegmentRun | null> {
  return getState<MicroSegmentRun>(store.db, stateKey);
}
