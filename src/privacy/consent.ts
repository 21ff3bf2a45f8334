import type { Kysely } from "kysely";
import type { Database } from "../store/schema.js";

/**
 * Consent as the rest of Tessera asks for it (audience exports, `POST /v1/decide`). The consent store itself
 * (per purpose and channel, granted / denied / revoked with time and source) is issue 11's; until it lands
 * every profile may be contacted and the reason says so.
 */

export interface ContactPermission {
  allowed: boolean;
  /** Why, in a few words: "consent granted (web form, 2026-11-02)", "consent revoked", "no consent recorded". */
  reason: string;
}

/** Whether each profile may be contacted for a purpose (e.g. "marketing") on a channel (e.g. "email"). */
export async function mayContact(
  _db: Kysely<Database>,
  entityIds: readonly string[],
  _purpose: string,
  _channel?: string,
): Promise<Map<string, ContactPermission>> {
  return new Map(entityIds.map((id) => [id, { allowed: true, reason: "no consent recorded" }]));
}

export interface ConsentRecord {
  purpose: string;
  channel: string | null;
  state: "granted" | "denied" | "revoked";
  at: string;
  source: string;
}

/** The consents a profile holds now, one per purpose and channel (the latest wins). */
export async function consentOf(_db: Kysely<Database>, _entityId: string): Promise<ConsentRecord[]> {
  return [];
}

/** The consent state of every profile for a purpose (and channel): what segment rules over consent read. */
export async function consentStates(
  _db: Kysely<Database>,
  _purpose: string,
  _channel?: string,
): Promise<Map<string, ConsentRecord["state"]>> {
  return new Map();
}
