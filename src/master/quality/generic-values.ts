import type { MatchRecord } from "../../model/match-record.js";
import { extractFeatures, isKnownFeature } from "../../resolve/features.js";
import type { Finding } from "./types.js";

/**
 * Generic values: a value held by more distinct entities than its feature allows — a call-centre phone, a
 * placeholder email, a shop's address, a carrier's shared IP — identifies nobody. Such values are flagged and
 * left out of matching (`withoutValues` in src/resolve/features.ts) and of householding. Values are counted
 * per resolution feature, so what is flagged is exactly what matching would have compared.
 */

export interface GenericValue {
  feature: string;
  value: string;
  /** Distinct entities holding it. */
  entities: number;
  records: number;
  /** A few of those entities, for a steward to look at. */
  examples: string[];
  limit: number;
}

export interface RecordOfEntity {
  key: string;
  source: string;
  /** The entity the record is linked to; a record of no entity counts as its own. */
  entity: string | null;
  /**
   * Whether the record names someone (a name, email or phone). An anonymous event's profile is a fragment of a
   * person not yet resolved, not a different person: it does not count towards making a value generic.
   */
  identified: boolean;
  standardized: MatchRecord;
}

interface Holders {
  first: string;
  /** Allocated once a second entity holds the value. */
  others: Set<string> | null;
  records: number;
}

export class GenericValueCounter {
  private readonly counts = new Map<string, Map<string, Holders>>();

  constructor(private readonly maxEntities: Record<string, number>) {
    for (const feature of Object.keys(maxEntities)) {
      if (!isKnownFeature(feature))
        throw new Error(`generic values: "${feature}" is not a resolution feature (see docs/resolve.md)`);
      this.counts.set(feature, new Map());
    }
  }

  add(records: RecordOfEntity[]): void {
    if (records.length === 0) return;
    const batch = extractFeatures(
      records.map((r) => ({ key: r.key, source: r.source, standardized: r.standardized })),
      this.counts.keys(),
    );
    for (const [feature, byValue] of this.counts) {
      const column = batch.columns[feature];
      if (!column) continue;
      const hold = (value: string | null, r: number) => {
        if (value === null || value === "" || records[r]?.identified === false) return;
        const entity = records[r]?.entity ?? `record:${records[r]?.key}`;
        const h = byValue.get(value);
        if (!h) byValue.set(value, { first: entity, others: null, records: 1 });
        else {
          h.records++;
          if (entity !== h.first) {
            h.others ??= new Set();
            h.others.add(entity);
          }
        }
      };
      if (column.kind === "text") column.values.forEach(hold);
      else if (column.kind === "list") {
        let at = 0;
        for (let r = 0; r < records.length; r++) {
          const end = at + (column.counts[r] as number);
          const seen = new Set<string>();
          for (; at < end; at++) {
            const v = column.values[at] as string;
            if (!seen.has(v)) hold(v, r);
            seen.add(v);
          }
        }
      }
    }
  }

  /** Values above their feature's limit, most widely shared first. */
  generic(): GenericValue[] {
    const out: GenericValue[] = [];
    for (const [feature, byValue] of this.counts) {
      const limit = this.maxEntities[feature] as number;
      for (const [value, h] of byValue) {
        const entities = 1 + (h.others?.size ?? 0);
        if (entities <= limit) continue;
        out.push({
          feature,
          value,
          entities,
          records: h.records,
          examples: [h.first, ...[...(h.others ?? [])].slice(0, 4)],
          limit,
        });
      }
    }
    return out.sort(
      (a, b) => b.entities - a.entities || (a.feature < b.feature ? -1 : 1) || (a.value < b.value ? -1 : 1),
    );
  }
}

export function genericFinding(g: GenericValue): Finding {
  return {
    kind: "generic_value",
    subjectKind: "value",
    subject: g.value,
    field: g.feature,
    message: `${g.feature} "${g.value}" is held by ${g.entities} different profiles (more than ${g.limit}): it identifies nobody and is left out of matching`,
    details: {
      feature: g.feature,
      entities: g.entities,
      records: g.records,
      examples: g.examples,
      limit: g.limit,
    },
    severity: "warning",
  };
}

/** Generic values as the exclusions matching takes: feature → values. */
export function exclusionsOf(values: Pick<GenericValue, "feature" | "value">[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const v of values) {
    out[v.feature] ??= [];
    out[v.feature]?.push(v.value);
  }
  return out;
}
