import type { ColumnType, Generated } from "kysely";
import type { Count, Json, Time } from "./schema.js";

/** Tables of the real-time path (issue 5), as Kysely sees them. */
export interface ApiKeyTable {
  key: string;
  kind: "write" | "read" | "steward" | "admin";
  name: string;
  /** Write keys: the source their events are recorded under. */
  source: string | null;
  created_at: Time;
  revoked_at: Time | null;
}

export interface EventTable {
  id: Generated<number>;
  source: string;
  message_id: string;
  type: string;
  /** A track's event name, a page's or screen's name. */
  name: string | null;
  user_id: string | null;
  anonymous_id: string | null;
  /** The record of the actor (`source/user:…` or `source/anon:…`) the event belongs to. */
  record_key: string;
  timestamp: Time;
  received_at: Time;
  sent_at: Time | null;
  body: Json;
}

export interface IdentityTable {
  kind: string;
  value: string;
  /** The actor record that brought the identifier; its entity link says which profile holds it. */
  record_key: string;
  generic: Generated<number>;
  shared: Generated<number>;
  first_seen: Time;
  last_seen: Time;
}

export interface IdentityLinkTable {
  id: Generated<number>;
  left_key: string;
  right_key: string;
  kind: string;
  value: string;
  at: Time;
}

export interface WebhookTable {
  id: Generated<number>;
  url: string;
  secret: string;
  kinds: Json;
  active: Generated<number>;
  cursor: ColumnType<number | string | bigint, number | undefined, number>;
  created_at: Time;
}

export interface WebhookDeliveryTable {
  id: Generated<number>;
  webhook_id: Count;
  change_seq: Count;
  payload: Json;
  status: "pending" | "delivered" | "dead";
  attempts: Generated<number>;
  next_attempt_at: Time;
  last_error: string | null;
  created_at: Time;
  delivered_at: Time | null;
}

export interface RealtimeTables {
  api_key: ApiKeyTable;
  event: EventTable;
  identity: IdentityTable;
  identity_link: IdentityLinkTable;
  webhook: WebhookTable;
  webhook_delivery: WebhookDeliveryTable;
}
