/** The shapes of the HTTP API's answers the console reads (see /openapi.json). */

export interface Lineage {
  rule: string;
  reason: string;
  record: string;
  source: string;
  observedAt: string;
  records: string[];
  sources: string[];
}

export interface GoldenValue<T> {
  value: T;
  lineage: Lineage;
}

export interface Sighting {
  record: string;
  source: string;
  observedAt: string;
}

export interface GoldenItem {
  value: string;
  valid: boolean;
  type: string | null;
  seen: Sighting[];
}

export interface GoldenProfile {
  name: GoldenValue<{ full: string; given: string | null; family: string | null }> | null;
  dateOfBirth: GoldenValue<string> | null;
  gender: GoldenValue<string> | null;
  address: GoldenValue<{
    line: string;
    city: string | null;
    postcode: string | null;
    country: string | null;
  }> | null;
  emails: GoldenItem[];
  phones: GoldenItem[];
  identifiers: GoldenItem[];
  records: number;
  sources: string[];
}

export interface LinkRow {
  recordKey: string;
  entityId: string;
  source: string;
  evidence: { kind: string; probability?: number; rule?: string; decision?: number; by: string; at: string };
  linkedAt: string;
}

export interface StoredEvent {
  id: number;
  source: string;
  type: string;
  name: string | null;
  userId: string | null;
  anonymousId: string | null;
  recordKey: string;
  timestamp: string;
  body: unknown;
}

export interface ProfileDocument {
  id: string;
  requested: string;
  alias: boolean;
  aliases: string[];
  status: string;
  createdAt: string;
  updatedAt: string;
  traits: GoldenProfile | null;
  identities: {
    kind: string;
    value: string;
    record: string;
    firstSeen: string;
    lastSeen: string;
    generic: boolean;
  }[];
  records: LinkRow[];
  events: { events: StoredEvent[]; next: string | null };
  household: {
    id: string;
    status: string;
    size: number;
    address: { line?: string } | null;
    members: { entityId: string; since: string }[];
  } | null;
  scores: { name: string; value: number; details: Record<string, unknown> | null; computedAt: string }[];
  segments: { segmentId: string; name: string; since: string }[];
  computedTraits: Record<string, unknown>;
  consent: { purpose: string; channel: string | null; state: string; at: string; source: string }[];
}

export interface ProfileHit {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  records: number;
  sources: string[];
}

export interface Stewardship {
  quality: {
    completeness: number;
    validity: number;
    conflicts: number;
    freshnessDays: number | null;
    fakeScore: number;
    fakeReasons: { code: string; weight: number; message: string }[];
    excluded: boolean;
  } | null;
  findings: { id: number; kind: string; field: string | null; message: string; severity: string }[];
  decisions: {
    id: number;
    kind: string;
    entities: string[];
    records: string[];
    by: string;
    reason: string | null;
    at: string;
  }[];
}

export interface ReviewListItem {
  id: number;
  leftKey: string;
  rightKey: string;
  leftEntity: string;
  rightEntity: string;
  leftName: string | null;
  rightName: string | null;
  probability: number;
  impact: number;
}

export interface Explanation {
  prior: number;
  priorWeight: number;
  comparisons: {
    comparison: string;
    level: string;
    weight: number;
    m: number | null;
    u: number | null;
    vetoed: boolean;
  }[];
  veto: string | null;
  weight: number;
  probability: number;
}

export interface RecordSide {
  key: string;
  source: string;
  entity: string;
  observedAt: string;
  values: Record<string, string[]>;
  profile: { name: string | null; records: number; sources: string[] } | null;
}

export interface ReviewDetail {
  item: ReviewListItem & { status: string };
  left: RecordSide;
  right: RecordSide;
  fields: {
    field: string;
    left: string[];
    right: string[];
    agreement: "same" | "partial" | "differ" | "missing";
  }[];
  explanation: Explanation | null;
}

export interface ValidityFigure {
  present: number;
  valid: number;
  share: number;
  problems: Record<string, number>;
}

export interface SourceFigures {
  records: number;
  completeness: Record<string, number>;
  meanCompleteness: number;
  validity: Record<string, ValidityFigure>;
  duplicates: number;
  fakes: number;
  genericValues: number;
}

export interface QualityAnswer {
  run: number;
  at: string;
  summary: {
    records: number;
    entities: number;
    overall: SourceFigures;
    sources: Record<string, SourceFigures>;
    profiles: {
      count: number;
      completeness: Record<string, number>;
      meanCompleteness: number;
      withConflicts: number;
      conflictsByField: Record<string, number>;
      stale: number;
      freshness: Record<string, number>;
      likelyTypos: number;
    };
    fakes: {
      likely: number;
      excluded: number;
      threshold: number;
      excludeAt: number;
      byReason: Record<string, number>;
      scoreHistogram: number[];
    };
    generic: {
      values: number;
      byFeature: Record<string, number>;
      top: { feature: string; value: string; entities: number }[];
    };
  };
  riskiest: {
    id: string;
    name: string | null;
    fakeScore: number;
    reasons: { code: string; message: string }[];
    excluded: boolean;
  }[];
}

export interface Session {
  kind: "read" | "steward" | "admin" | "write";
  name: string;
}

export type Rule =
  | { all: Rule[] }
  | { any: Rule[] }
  | { not: Rule }
  | { trait: string; op: string; value?: unknown }
  | { computed: string; op: string; value?: unknown }
  | { event: string; did: boolean; atLeast?: number; withinDays?: number }
  | { score: string; op: string; value: number }
  | { consent: { purpose: string; channel?: string; state: string } };

/** GET /v1/attribution: credit per channel (or channel/campaign) by each model asked for. */
export interface ChannelCredit {
  channel: string;
  conversions: number;
  value: number;
}

export interface ModelCredit {
  model: string;
  credits: ChannelCredit[];
  removalEffects?: { channel: string; conversions: number; value: number }[];
  chain?: { states: number; transitions: number; conversionProbability: number; solver: string };
  coalition?: string;
}

export interface AttributionReport {
  by: string;
  journeys: number;
  paths: number;
  conversions: number;
  value: number;
  nulls: number;
  channels: string[];
  models: ModelCredit[];
  timings: Record<string, number>;
  input: string;
  lookbackDays: number | null;
  conversionsWithoutTouchpoints: number;
  valueWithoutTouchpoints: number;
  ledger: { read: boolean; sends: number } | null;
  skipped: number;
  problems: string[];
}

/** GET /v1/scores and /v1/scores/:name. */
export interface ScoreSummary {
  name: string;
  profiles: number;
  min: number;
  max: number;
  mean: number;
  computedAt: string | null;
}

export interface ScoreDistribution extends ScoreSummary {
  sum: number;
  quantiles: { p50: number; p90: number; p99: number };
  bins: { from: number; to: number; count: number }[];
  above: { from: number; count: number };
  top: { id: string; name: string | null; value: number; others: Record<string, number> }[];
  run: {
    id: string;
    kind: string;
    status: string;
    finishedAt: string | null;
    scored: number;
    evaluation: ClvHoldout | Record<string, unknown> | null;
    parameters: Record<string, unknown> | null;
  } | null;
}

export interface ClvHoldout {
  customers: number;
  holdoutLength: number;
  purchases: {
    actual: number;
    predicted: number;
    mae: number;
    rmse: number;
    correlation: number;
    auc: number;
    byFrequency: { x: string; customers: number; predicted: number; actual: number }[];
  };
  spend: {
    customers: number;
    mae: number;
    correlation: number;
    meanPredicted: number;
    meanActual: number;
  } | null;
  revenue: { actual: number; predicted: number } | null;
}

/** POST /v1/imports/preview: the mapping suggested from the start of a file. */
export interface ImportPreview {
  source: string;
  format: string;
  encoding?: string;
  delimiter?: string;
  sampledRows: number;
  columns: { source: string; target: string | null; confidence: number; why: string; examples: string[] }[];
  mapping: { source: string; format?: string; fields: Record<string, string> };
}

/** GET /v1/imports/:id: an import's progress and result. */
export interface ImportJob {
  id: string;
  status: "waiting" | "uploading" | "running" | "completed" | "failed";
  source: string;
  fileName: string;
  format: string | null;
  bytes: number;
  estimatedRows: number | null;
  rowsRead: number;
  quarantined: number;
  progress: number;
  createdAt: string;
  finishedAt: string | null;
  error: string | null;
  result: {
    runId: string;
    rowsRead: number;
    accepted: number;
    newRecords: number;
    newVersions: number;
    unchanged: number;
    quarantined: number;
    seconds: number;
    issueCounts: Record<string, number>;
    reasons: { code: string; field: string | null; rows: number; example: string }[];
    rows: { rowNumber: number; code: string; field: string | null; reason: string }[];
  } | null;
}

export interface ImportRunRow {
  id: string;
  source: string;
  file: string;
  status: string;
  startedAt: string;
  rowsRead: number;
  accepted: number;
  quarantined: number;
}

/** POST /v1/insights: privacy-safe aggregates; a hidden cell's count is null and says why. */
export interface InsightAnswer {
  by: string[];
  measures: string[];
  people: number | null;
  cells: {
    key: Record<string, string>;
    count: number | null;
    suppressed?: "primary" | "complementary";
    sums?: Record<string, number | null>;
    means?: Record<string, number | null>;
  }[];
  totals: { key: Record<string, string>; count: number | null }[];
  protection: { kind: "suppression" | "dp"; minCell?: number; epsilon?: number; mechanism?: string };
  budget?: unknown;
  notes: string[];
}
