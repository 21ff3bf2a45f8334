import { createHmac } from "node:crypto";
import type { Kysely } from "kysely";
import { eventIdentifiers } from "../master/identity-graph.js";
import type { AcceptedEvent, EventIdentifier } from "../model/event.js";
import type { StandardizedRecord } from "../model/standardized.js";
import type { Database } from "../store/schema.js";
import { erasureSalt } from "./secrets.js";

/**
 * Erased people stay erased: when a person is erased, only HMAC-SHA256 hashes (under the erasure salt) of their
 * identifiers are kept — `kind:value` with emails in canonical form and phones in E.164, as the identity graph
 * normalises them. The live path drops any event carrying one of them before applying it, so a replayed or
 * late event cannot bring the person back.
 */

export function identifierHash(salt: Buffer, id: EventIdentifier): string {
  return createHmac("sha256", salt).update(`${id.kind}:${id.value}`, "utf8").digest("hex");
}

const never = () => false;

/** Which of these identifier hashes were kept by an erasure. */
async function erasedAmong(db: Kysely<Database>, hashes: readonly string[]): Promise<Set<string>> {
  const all = [...new Set(hashes)];
  const erased = new Set<string>();
  for (let i = 0; i < all.length; i += 500) {
    const rows = await db
      .selectFrom("erased_identifier")
      .select("hash")
      .where("hash", "in", all.slice(i, i + 500))
      .execute();
    for (const r of rows) erased.add(r.hash);
  }
  return erased;
}

export async function withoutErased(
  db: Kysely<Database>,
  events: readonly AcceptedEvent[],
): Promise<AcceptedEvent[]> {
  if (events.length === 0) return [];
  // Until someone is erased there is nothing to compare with: one indexed read per batch.
  if (!(await db.selectFrom("erased_identifier").select("hash").limit(1).executeTakeFirst()))
    return [...events];
  const salt = await erasureSalt(db);
  const hashesOf = events.map((e) =>
    eventIdentifiers(e.body, never).identifiers.map((i) => identifierHash(salt, i)),
  );
  const erased = await erasedAmong(db, hashesOf.flat());
  if (erased.size === 0) return [...events];
  return events.filter((_, i) => !(hashesOf[i] as string[]).some((h) => erased.has(h)));
}

/** Whether an identifier belongs to an erased person. */
export async function isErased(db: Kysely<Database>, id: EventIdentifier): Promise<boolean> {
  const hash = identifierHash(await erasureSalt(db), id);
  return !!(await db
    .selectFrom("erased_identifier")
    .select("hash")
    .where("hash", "=", hash)
    .executeTakeFirst());
}

/** The identifiers a standardised source record carries, as erasure hashes them. */
function recordIdentifiers(s: StandardizedRecord): EventIdentifier[] {
  const out: EventIdentifier[] = [];
  for (const e of s.emails ?? []) if (e.valid) out.push({ kind: "email", value: e.canonical });
  for (const p of s.phones ?? []) if (p.e164) out.push({ kind: "phone", value: p.e164 });
  for (const x of s.identifiers ?? [])
    out.push({ kind: x.type === "customer_id" ? "user_id" : x.type, value: x.value });
  return out;
}

/**
 * Which of a batch of prepared source records (by their standardised JSON) name an erased person: a file
 * imported again after an erasure must not bring the person back. One indexed read while nobody is erased.
 */
export async function erasedRecords(
  db: Kysely<Database>,
  standardizedJson: readonly string[],
): Promise<Set<number>> {
  const out = new Set<number>();
  if (standardizedJson.length === 0) return out;
  if (!(await db.selectFrom("erased_identifier").select("hash").limit(1).executeTakeFirst())) return out;
  const salt = await erasureSalt(db);
  const hashesOf = standardizedJson.map((json) =>
    recordIdentifiers(JSON.parse(json) as StandardizedRecord).map((i) => identifierHash(salt, i)),
  );
  const erased = await erasedAmong(db, hashesOf.flat());
  if (erased.size > 0)
    hashesOf.forEach((hashes, i) => {
      if (hashes.some((h) => erased.has(h))) out.add(i);
    });
  return out;
}
