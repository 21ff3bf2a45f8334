import type { Generated } from "kysely";
import type { Count, Json, Time } from "./schema.js";

/** Tables of issue 11, as Kysely sees them (see migration 009). */

export interface ConsentTable {
  id: Generated<number>;
  /** Who gave it, as known then: `record:source/id`, `user_id:…`, `email:…` (normalised), `phone:…`. */
  subject: string;
  purpose: string;
  /** A channel (`email`, `sms`…) or `*` for every channel. */
  channel: string;
  state: "granted" | "denied" | "revoked";
  at: Time;
  /** Where it came from: `api`, `event:<source>`, `cli`, or what the caller named. */
  source: string;
  event_id: Count | null;
  recorded_by: string | null;
  recorded_at: Time;
}

export interface ErasedIdentifierTable {
  hash: string;
  kind: string;
  erasure_id: string;
  erased_at: Time;
}

export interface ErasureTable {
  id: string;
  at: Time;
  requested_by: string;
  reason: string | null;
  receipt: Json;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: Time;
  /** The key id (never the key), `cli:<user>` or `system`. */
  actor: string;
  action: string;
  /** A golden id, key id, recipient… never an email or phone. */
  subject: string | null;
  details: Json | null;
}

export interface PrivacyBudgetTable {
  recipient: string;
  epsilon: number;
  delta: number;
  updated_at: Time;
}

export interface PrivacyReleaseTable {
  id: Generated<number>;
  recipient: string;
  at: Time;
  epsilon: number;
  delta: number;
  mechanism: string;
  query: Json;
}

export interface PrivacySettingTable {
  key: string;
  value: Json;
  updated_at: Time;
}

export interface PrivacyTables {
  consent: ConsentTable;
  erased_identifier: ErasedIdentifierTable;
  erasure: ErasureTable;
  audit_log: AuditLogTable;
  privacy_budget: PrivacyBudgetTable;
  privacy_release: PrivacyReleaseTable;
  privacy_setting: PrivacySettingTable;
}

// The api_key table (migration 007) gains these columns in migration 009.
declare module "./schema-realtime.js" {
  interface ApiKeyTable {
    /** SHA-256 (hex) of the key; the key itself is never stored. */
    key_hash: string | null;
    scopes: Json | null;
    /** Requests per second; null for the kind's default, 0 for no limit. */
    rate_limit: number | null;
    recipient: string | null;
  }
}
