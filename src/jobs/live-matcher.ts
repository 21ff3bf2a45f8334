import { readFileSync } from "node:fs";
import { sql, type Transaction } from "kysely";
import type { MatchRecord } from "../model/match-record.js";
import { compileComparison } from "../resolve/comparison.js";
import { buildRecordTable } from "../resolve/features.js";
import { explainPair, type MatchModel, pairScorer, probabilityOf } from "../resolve/model.js";
import { runFeatures } from "../resolve/resolve.js";
import { personDefaults, resolveSettings } from "../resolve/settings.js";
import { fold } from "../standardize/fold.js";
import { keysBySource, splitRecordKey } from "../store/entities.js";
import type { Database } from "../store/schema.js";
import { loadSettings } from "./resolve-records.js";

/**
 * The live match of records an identify call changed, with the trained model of the batch engine and the
 * same scoring code: candidates are the records of profiles that share an email or a phone with the record
 * (the golden lookups: email, phone, the folded full name), each pair is scored, and the best pair per candidate profile decides — at or above
 * the model's threshold the profiles merge, in the uncertain band below it the pair goes to the review queue.
 */

type Trx = Transaction<Database>;

export interface LiveMerge {
  /** The profile of the changed record, and the candidate profile (internal ids of the ingest batch). */
  into: string;
  from: string;
  probability: number;
  pair: [string, string];
}

export interface LiveMatchOutcome {
  merges: LiveMerge[];
  reviewItems: number;
}

export interface LiveMatcherOptions {
  /** The link threshold; default: the settings' threshold. */
  threshold?: number;
  /** Pairs from here up to the threshold go to review. Default 0.5. */
  reviewFrom?: number;
  /** Most candidate records scored per changed record. Default 50. */
  maxCandidates?: number;
}

export class LiveMatcher {
  private readonly features: Set<string>;
  readonly threshold: number;
  private readonly reviewFrom: number;
  private readonly maxCandidates: number;

  constructor(
    readonly model: MatchModel,
    settingsThreshold: number,
    options: LiveMatcherOptions = {},
    features?: Set<string>,
  ) {
    this.features = features ?? runFeatures(personDefaults, model);
    this.threshold = options.threshold ?? settingsThreshold;
    this.reviewFrom = options.reviewFrom ?? 0.5;
    this.maxCandidates = options.maxCandidates ?? 50;
  }

  /** A matcher from a model saved by `tessera resolve --save-model` and optional settings. */
  static fromFiles(modelPath: string, settingsPath?: string, options: LiveMatcherOptions = {}): LiveMatcher {
    const model = JSON.parse(readFileSync(modelPath, "utf8")) as MatchModel;
    const input = loadSettings(settingsPath);
    const settings = resolveSettings.parse(input);
    return new LiveMatcher(model, settings.threshold, options, runFeatures(input, model));
  }

  async matchLive(
    trx: Trx,
    recordKeys: string[],
    context: { entityOf: (recordKey: string) => string | undefined; at: string },
  ): Promise<LiveMatchOutcome> {
    const outcome: LiveMatchOutcome = { merges: [], reviewItems: 0 };
    for (const key of recordKeys) {
      const own = context.entityOf(key);
      const view = await matchViews(trx, [key]);
      const record = view.get(key);
      if (!record || !own) continue;
      // Candidates: profiles sharing an email, a phone or the full name (folded, as golden lookups keep it).
      const given = record.name?.given ? fold(record.name.given) : "";
      const family = record.name?.family ? fold(record.name.family) : "";
      const lookups = [
        ...record.emails
          .filter((e) => e.valid && e.canonical)
          .map((e) => ({ kind: "email", value: e.canonical })),
        ...record.phones.filter((p) => p.e164).map((p) => ({ kind: "phone", value: p.e164 as string })),
        ...(given && family ? [{ kind: "name", value: `${given} ${family}` }] : []),
      ];
      if (lookups.length === 0) continue;
      const entities = new Set<string>();
      for (const l of lookups) {
        const rows = await trx
          .selectFrom("golden_lookup")
          .select("entity_id")
          .where("kind", "=", l.kind)
          .where("value", "=", l.value)
          .execute();
        for (const r of rows) entities.add(r.entity_id);
      }
      const links = entities.size
        ? await trx
            .selectFrom("entity_link")
            .select(["record_key", "entity_id"])
            .where("entity_id", "in", [...entities])
            .limit(this.maxCandidates)
            .execute()
        : [];
      const entityOf = (k: string) => context.entityOf(k) ?? links.find((l) => l.record_key === k)?.entity_id;
      const candidates = links.filter((l) => entityOf(l.record_key) !== own && l.record_key !== key);
      if (candidates.length === 0) continue;
      const views = await matchViews(
        trx,
        candidates.map((c) => c.record_key),
      );
      const records = [
        { key, source: splitRecordKey(key).source, standardized: record },
        ...candidates.flatMap((c) => {
          const v = views.get(c.record_key);
          return v
            ? [
                {
                  key: c.record_key,
                  source: splitRecordKey(c.record_key).source,
                  standardized: v,
                },
              ]
            : [];
        }),
      ];
      const table = buildRecordTable(records, this.features);
      // Term frequencies would be read off this handful of records, where every candidate shares the name: the
      // live score uses each level's own weight instead.
      const compiled = this.model.specs.map((s) => compileComparison({ ...s, termFrequency: false }, table));
      const scorer = pairScorer(this.model, compiled);
      const best = new Map<string, { p: number; j: number }>();
      for (let j = 1; j < records.length; j++) {
        const p = probabilityOf(scorer.weight(0, j));
        const entity = entityOf(records[j]?.key as string) ?? "";
        if (!entity || entity === own) continue;
        if (p > (best.get(entity)?.p ?? -1)) best.set(entity, { p, j });
      }
      for (const [entity, { p, j }] of best) {
        const other = records[j]?.key as string;
        if (p >= this.threshold) {
          outcome.merges.push({ into: own, from: entity, probability: p, pair: [key, other] });
        } else if (p >= this.reviewFrom) {
          const explanation = explainPair(this.model, compiled, 0, j);
          await trx
            .insertInto("review_item")
            .values({
              left_key: key,
              right_key: other,
              left_entity: own.startsWith("+") ? "" : own,
              right_entity: entity,
              probability: p,
              impact: 2,
              explanation: JSON.stringify(explanation),
              status: "open",
              created_at: context.at,
              decided_at: null,
              decision_id: null,
            })
            .execute();
          outcome.reviewItems++;
        }
      }
    }
    return outcome;
  }
}

async function matchViews(trx: Trx, keys: string[]): Promise<Map<string, MatchRecord>> {
  const out = new Map<string, MatchRecord>();
  for (const [source, ids] of keysBySource(keys)) {
    // match_view is written and read as text through raw SQL (src/store/match-views.ts).
    const rows = await sql<{
      source_record_id: string;
      view: string;
    }>`select source_record_id, view from match_view
      where source = ${source} and source_record_id in (${sql.join(ids)})`.execute(trx);
    for (const r of rows.rows) out.set(`${source}/${r.source_record_id}`, JSON.parse(r.view) as MatchRecord);
  }
  return out;
}
