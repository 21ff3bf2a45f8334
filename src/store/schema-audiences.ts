import type { ColumnType, Generated } from "kysely";
import type { Count, Json, Time } from "./schema.js";

/** Tables of issue 8, as Kysely sees them (see migration 008). */

export interface ComputedTraitTable {
  name: string;
  definition: Json;
  created_at: Time;
  updated_at: Time;
  computed_at: Time | null;
  /** What a batch run learnt that incremental updates reuse (RFM quintile boundaries). */
  model: Json | null;
}

export interface ComputedTraitValueTable {
  name: string;
  entity_id: string;
  /** `{"v": value}`: wrapped, as jsonb hands back a bare string already parsed. */
  value: Json;
  state: Json | null;
  updated_at: Time;
}

export interface EventRollupTable {
  name: string;
  /** UTC epoch day of the event's timestamp. */
  day: number;
  record_key: string;
  n: number;
}

export interface SegmentTable {
  id: string;
  name: string;
  description: string | null;
  rule: Json;
  size: ColumnType<number, number | undefined, number>;
  created_at: Time;
  updated_at: Time;
  evaluated_at: Time | null;
}

export interface SegmentMemberTable {
  segment_id: string;
  entity_id: string;
  since: Time;
}

export interface MessageTable {
  id: Generated<number>;
  /** The sender's own id for the message (idempotency key), when it gives one. */
  message_key: string | null;
  entity_id: string;
  channel: string;
  campaign: string | null;
  template: string | null;
  sent_at: Time;
  properties: Json | null;
  recorded_at: Time;
}

export interface MessageResponseTable {
  id: Generated<number>;
  message_id: Count;
  entity_id: string;
  channel: string;
  kind: string;
  at: Time;
  properties: Json | null;
  recorded_at: Time;
}

export interface AudienceTables {
  computed_trait: ComputedTraitTable;
  computed_trait_value: ComputedTraitValueTable;
  event_rollup: EventRollupTable;
  segment: SegmentTable;
  segment_member: SegmentMemberTable;
  message: MessageTable;
  message_response: MessageResponseTable;
}
