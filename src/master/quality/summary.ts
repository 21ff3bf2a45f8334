import {
  type CompletenessField,
  completenessFields,
  type ProfileQuality,
  type RecordQuality,
  type ValidityField,
  validityFields,
} from "./checks.js";
import type { FakeRisk } from "./fake-profiles.js";
import type { GenericValue } from "./generic-values.js";

/**
 * The figures of a quality run, per source and overall, as the report draws them and `--json` prints them:
 * one object, so the page and the JSON cannot disagree. Shares are 0..1, rounded to four places.
 */

export interface ValidityFigure {
  present: number;
  valid: number;
  share: number;
  problems: Record<string, number>;
}

export interface SourceFigures {
  records: number;
  /** Field → share of records that have it. */
  completeness: Record<CompletenessField, number>;
  meanCompleteness: number;
  validity: Record<ValidityField, ValidityFigure>;
  /** Phone numbers by type (mobile, fixed_line, fixed_line_or_mobile, voip…; unknown when not valid). */
  phoneTypes: Record<string, number>;
  /** Records linked to an entity that holds another record (of any source). */
  duplicates: number;
  /** Records beyond the first of each entity within this source. */
  duplicatesWithinSource: number;
  /** Records of profiles that are likely fakes. */
  fakes: number;
  /** Records holding at least one generic value. */
  genericValues: number;
}

export interface QualitySummary {
  at: string;
  records: number;
  entities: number;
  overall: SourceFigures;
  sources: Record<string, SourceFigures>;
  profiles: {
    count: number;
    completeness: Record<CompletenessField, number>;
    meanCompleteness: number;
    validity: Record<ValidityField, ValidityFigure>;
    withConflicts: number;
    conflictsByField: Record<string, number>;
    stale: number;
    /** Days since last seen: [0–30), [30–90), [90–365), [365–730), 730+. */
    freshness: Record<string, number>;
    likelyTypos: number;
  };
  fakes: {
    likely: number;
    excluded: number;
    threshold: number;
    excludeAt: number;
    byReason: Record<string, number>;
    /** Profiles per tenth of score: [0, 0.1), [0.1, 0.2) … [0.9, 1]. */
    scoreHistogram: number[];
  };
  generic: {
    values: number;
    byFeature: Record<string, number>;
    top: { feature: string; value: string; entities: number }[];
  };
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;

interface Acc {
  records: number;
  present: Record<CompletenessField, number>;
  completenessSum: number;
  validity: Record<ValidityField, { present: number; valid: number; problems: Record<string, number> }>;
  duplicates: number;
  duplicatesWithinSource: number;
  fakes: number;
  genericValues: number;
  phoneTypes: Record<string, number>;
}

function acc(): Acc {
  return {
    records: 0,
    present: Object.fromEntries(completenessFields.map((f) => [f, 0])) as Record<CompletenessField, number>,
    completenessSum: 0,
    validity: Object.fromEntries(
      validityFields.map((f) => [f, { present: 0, valid: 0, problems: {} }]),
    ) as Acc["validity"],
    duplicates: 0,
    duplicatesWithinSource: 0,
    fakes: 0,
    genericValues: 0,
    phoneTypes: {},
  };
}

function addValidity(into: Acc["validity"], from: RecordQuality["validity"]): void {
  for (const f of validityFields) {
    const a = into[f];
    const b = from[f];
    a.present += b.present;
    a.valid += b.valid;
    for (const [k, n] of Object.entries(b.problems)) a.problems[k] = (a.problems[k] ?? 0) + n;
  }
}

function validityFigures(v: Acc["validity"]): Record<ValidityField, ValidityFigure> {
  return Object.fromEntries(
    validityFields.map((f) => {
      const x = v[f];
      return [
        f,
        {
          present: x.present,
          valid: x.valid,
          share: x.present === 0 ? 1 : round(x.valid / x.present),
          problems: x.problems,
        },
      ];
    }),
  ) as Record<ValidityField, ValidityFigure>;
}

function figures(a: Acc): SourceFigures {
  const n = Math.max(1, a.records);
  return {
    records: a.records,
    completeness: Object.fromEntries(completenessFields.map((f) => [f, round(a.present[f] / n)])) as Record<
      CompletenessField,
      number
    >,
    meanCompleteness: round(a.completenessSum / n),
    validity: validityFigures(a.validity),
    phoneTypes: a.phoneTypes,
    duplicates: a.duplicates,
    duplicatesWithinSource: a.duplicatesWithinSource,
    fakes: a.fakes,
    genericValues: a.genericValues,
  };
}

export class QualitySummaryBuilder {
  private readonly overall = acc();
  private readonly bySource = new Map<string, Acc>();
  private readonly profile = acc();
  private profiles = 0;
  private withConflicts = 0;
  private readonly conflictsByField: Record<string, number> = {};
  private stale = 0;
  private readonly freshness: Record<string, number> = {
    "0-29": 0,
    "30-89": 0,
    "90-364": 0,
    "365-729": 0,
    "730+": 0,
    unknown: 0,
  };
  private typos = 0;
  private likely = 0;
  private excluded = 0;
  private readonly byReason: Record<string, number> = {};
  private readonly histogram = new Array<number>(10).fill(0);

  /** One record of an entity: `records` is how many records the entity holds; the first of its source or not. */
  addRecord(
    source: string,
    q: RecordQuality,
    entity: { records: number; firstOfSource: boolean },
    flags: { fake: boolean; generic: boolean },
  ): void {
    let s = this.bySource.get(source);
    if (!s) {
      s = acc();
      this.bySource.set(source, s);
    }
    for (const a of [s, this.overall]) {
      a.records++;
      for (const f of completenessFields) if (q.present[f]) a.present[f]++;
      a.completenessSum += q.completeness;
      addValidity(a.validity, q.validity);
      for (const [type, n] of Object.entries(q.phoneTypes))
        a.phoneTypes[type] = (a.phoneTypes[type] ?? 0) + n;
      if (entity.records > 1) a.duplicates++;
      if (flags.fake) a.fakes++;
      if (flags.generic) a.genericValues++;
    }
    if (!entity.firstOfSource) s.duplicatesWithinSource++;
  }

  addProfile(q: ProfileQuality, risk: FakeRisk, typos: number): void {
    this.profiles++;
    const a = this.profile;
    a.records++;
    for (const f of completenessFields) if (q.present[f]) a.present[f]++;
    a.completenessSum += q.completeness;
    addValidity(a.validity, q.validity);
    if (q.conflicts.length > 0) this.withConflicts++;
    for (const c of q.conflicts) this.conflictsByField[c.field] = (this.conflictsByField[c.field] ?? 0) + 1;
    if (q.stale) this.stale++;
    const d = q.freshnessDays;
    const bucket =
      d === null
        ? "unknown"
        : d < 30
          ? "0-29"
          : d < 90
            ? "30-89"
            : d < 365
              ? "90-364"
              : d < 730
                ? "365-729"
                : "730+";
    this.freshness[bucket] = (this.freshness[bucket] ?? 0) + 1;
    this.typos += typos;
    if (risk.likelyFake) {
      this.likely++;
      for (const r of risk.reasons) this.byReason[r.code] = (this.byReason[r.code] ?? 0) + 1;
    }
    if (risk.excluded) this.excluded++;
    const bin = Math.min(9, Math.floor(risk.score * 10));
    this.histogram[bin] = (this.histogram[bin] as number) + 1;
  }

  finish(at: string, threshold: number, excludeAt: number, generic: GenericValue[]): QualitySummary {
    const overall = figures(this.overall);
    // Overall, the duplicates within "the source" are the records beyond the first of each entity.
    overall.duplicatesWithinSource = this.overall.records - this.profiles;
    const byFeature: Record<string, number> = {};
    for (const g of generic) byFeature[g.feature] = (byFeature[g.feature] ?? 0) + 1;
    const p = figures(this.profile);
    return {
      at,
      records: this.overall.records,
      entities: this.profiles,
      overall,
      sources: Object.fromEntries(
        [...this.bySource].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([k, v]) => [k, figures(v)]),
      ),
      profiles: {
        count: this.profiles,
        completeness: p.completeness,
        meanCompleteness: p.meanCompleteness,
        validity: p.validity,
        withConflicts: this.withConflicts,
        conflictsByField: this.conflictsByField,
        stale: this.stale,
        freshness: this.freshness,
        likelyTypos: this.typos,
      },
      fakes: {
        likely: this.likely,
        excluded: this.excluded,
        threshold,
        excludeAt,
        byReason: this.byReason,
        scoreHistogram: this.histogram,
      },
      generic: {
        values: generic.length,
        byFeature,
        top: generic.slice(0, 20).map((g) => ({ feature: g.feature, value: g.value, entities: g.entities })),
      },
    };
  }
}
