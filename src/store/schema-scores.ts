import type { ColumnType } from "kysely";

/** Tables of predictive scores (issue 9), as Kysely sees them (JSON as text in, parsed by `fromJson`). */

type Json = ColumnType<unknown, string, string>;
type Time = ColumnType<string | Date, string, string>;
type Real = ColumnType<number | string, number, number>;

export interface ModelRunTable {
  id: string;
  kind: "clv" | "propensity" | "lookalike";
  /** The score it writes: "clv", "propensity:buy", "lookalike:vip-lookalikes". */
  name: string;
  status: "running" | "completed" | "failed";
  inputs: Json;
  parameters: Json | null;
  evaluation: Json | null;
  model: Json | null;
  scored: ColumnType<number, number | undefined, number>;
  error: string | null;
  started_at: Time;
  finished_at: Time | null;
}

export interface ProfileScoreTable {
  entity_id: string;
  name: string;
  value: Real;
  details: Json | null;
  model_run_id: string;
  computed_at: Time;
}

export interface SavedAudienceTable {
  name: string;
  kind: string;
  definition: Json;
  model_run_id: string | null;
  size: number;
  created_at: Time;
  updated_at: Time;
}

export interface SavedAudienceMemberTable {
  audience: string;
  entity_id: string;
  rank: number;
  score: Real;
}

export interface ScoreTables {
  model_run: ModelRunTable;
  profile_score: ProfileScoreTable;
  saved_audience: SavedAudienceTable;
  saved_audience_member: SavedAudienceMemberTable;
}
