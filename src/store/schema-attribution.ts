import type { Generated } from "kysely";
import type { Json, Time } from "./schema.js";

/** An attribution run: where its journeys came from, what the credit is by, its options and its report. */
export interface AttributionRunTable {
  id: Generated<number>;
  /** `store` or the file read. */
  input: string;
  by: string;
  options: Json;
  report: Json;
  created_at: Time;
}

/** A channel (and message) chosen for a person by Thompson sampling, with the posterior it was drawn from. */
export interface ChannelDecisionTable {
  id: Generated<number>;
  entity_id: string | null;
  channel: string;
  message: string | null;
  evidence: Json;
  decided_at: Time;
}

/** Tables of issue 10, as Kysely sees them. */
export interface AttributionTables {
  attribution_run: AttributionRunTable;
  channel_decision: ChannelDecisionTable;
}
