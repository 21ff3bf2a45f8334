import type { Kysely } from "kysely";
import type { Database } from "../store/schema.js";

/**
 * For tests and benchmarks: profiles and their events written straight into the store (an entity, one actor
 * record linked to it, a minimal golden profile; events on that record), without the import or live path.
 */

export interface FixtureProfile {
  seq: number;
  email?: string | null;
  phone?: string | null;
  city?: string | null;
  country?: string | null;
  name?: string | null;
}

export interface FixtureEvent {
  seq: number;
  name: string;
  at: string;
  properties?: Record<string, unknown>;
  type?: string;
}

export function recordKeyOf(seq: number): string {
  return `web/user:u${seq}`;
}

function goldenOf(p: FixtureProfile, at: string) {
  const lineage = {
    rule: "most_recent",
    reason: "fixture",
    record: recordKeyOf(p.seq),
    source: "web",
    observedAt: at,
    records: [recordKeyOf(p.seq)],
    sources: ["web"],
  };
  const item = (value: string, type: string | null) => ({
    value,
    valid: true,
    type,
    seen: [{ record: recordKeyOf(p.seq), source: "web", observedAt: at }],
  });
  return {
    name: p.name
      ? {
          value: { title: null, given: null, middle: null, family: null, suffix: null, full: p.name },
          lineage,
        }
      : null,
    dateOfBirth: null,
    gender: null,
    address:
      p.city || p.country
        ? {
            value: {
              line: "",
              streetNumber: null,
              street: null,
              unit: null,
              city: p.city ?? null,
              region: null,
              postcode: null,
              country: p.country ?? null,
            },
            lineage,
          }
        : null,
    emails: p.email ? [item(p.email, null)] : [],
    phones: p.phone ? [item(p.phone, "mobile")] : [],
    identifiers: [],
    records: 1,
    sources: ["web"],
  };
}

export async function insertProfiles(
  db: Kysely<Database>,
  profiles: readonly FixtureProfile[],
  at = "2026-01-01T00:00:00.000Z",
): Promise<void> {
  for (let i = 0; i < profiles.length; i += 300) {
    const batch = profiles.slice(i, i + 300);
    await db
      .insertInto("entity")
      .values(
        batch.map((p) => ({
          id: `T-${p.seq}`,
          seq: p.seq,
          status: "active" as const,
          merged_into: null,
          absorbed_records: null,
          records: 1,
          created_at: at,
          updated_at: at,
        })),
      )
      .execute();
    await db
      .insertInto("entity_link")
      .values(
        batch.map((p) => ({
          record_key: recordKeyOf(p.seq),
          entity_id: `T-${p.seq}`,
          source: "web",
          evidence: "{}",
          linked_at: at,
        })),
      )
      .execute();
    await db
      .insertInto("golden_profile")
      .values(
        batch.map((p) => ({
          entity_id: `T-${p.seq}`,
          profile: JSON.stringify(goldenOf(p, at)),
          hash: `h${p.seq}`,
          updated_at: at,
        })),
      )
      .execute();
  }
  const lookups = profiles.flatMap((p) => [
    ...(p.email ? [{ kind: "email", value: p.email.toLowerCase(), entity_id: `T-${p.seq}` }] : []),
    ...(p.phone ? [{ kind: "phone", value: p.phone, entity_id: `T-${p.seq}` }] : []),
  ]);
  for (let i = 0; i < lookups.length; i += 500)
    await db
      .insertInto("golden_lookup")
      .values(lookups.slice(i, i + 500))
      .execute();
  const max = profiles.reduce((m, p) => Math.max(m, p.seq), 0);
  await db
    .insertInto("id_sequence")
    .values({ name: "entity", next_value: max + 1 })
    .onConflict((oc) => oc.column("name").doUpdateSet({ next_value: max + 1 }))
    .execute();
}

let counter = 0;

export async function insertEvents(db: Kysely<Database>, events: readonly FixtureEvent[]): Promise<void> {
  for (let i = 0; i < events.length; i += 500) {
    await db
      .insertInto("event")
      .values(
        events.slice(i, i + 500).map((e) => ({
          source: "web",
          message_id: `fx-${process.pid}-${counter++}`,
          type: e.type ?? "track",
          name: e.name,
          user_id: `u${e.seq}`,
          anonymous_id: null,
          record_key: recordKeyOf(e.seq),
          timestamp: e.at,
          received_at: e.at,
          sent_at: null,
          body: JSON.stringify({ event: e.name, properties: e.properties ?? {} }),
        })),
      )
      .execute();
  }
}
