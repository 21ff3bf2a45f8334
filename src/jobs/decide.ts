import { type ContactFacts, type Decision, decideContact } from "../analytics/contact-policy.js";
import { mayContact } from "../privacy/consent.js";
import { getProfiles } from "../store/entities.js";
import { messagesOf, responsesOf } from "../store/ledger.js";
import type { Store } from "../store/open-store.js";
import { fromJson } from "../store/schema.js";
import { LedgerError, profileId, readPolicy } from "./ledger.js";

/**
 * `POST /v1/decide`: whether a profile may be messaged now, and on which channel, with the reason — the facts
 * (quality exclusion, suppressing responses, p_alive, consent, addresses, recent messages, time zone) read
 * from the store and handed to the pure contact policy.
 */

export interface DecideInput {
  profile: string;
  channels?: string[];
  /** The moment to decide for (default now). */
  at?: string;
  /** Consent purpose (default the policy's). */
  purpose?: string;
}

export interface DecideAnswer extends Decision {
  profile: string;
  at: string;
}

export async function decide(store: Store, input: DecideInput, clock = Date.now()): Promise<DecideAnswer> {
  const policy = await readPolicy(store);
  const now = input.at === undefined ? clock : Date.parse(input.at);
  if (!Number.isFinite(now)) throw new LedgerError(`at: "${input.at}" is not a date and time`);
  if (
    input.channels !== undefined &&
    (!Array.isArray(input.channels) || input.channels.some((c) => typeof c !== "string"))
  )
    throw new LedgerError("channels: must be a list of channel names");
  const id = await profileId(store, input.profile);
  const db = store.db;
  const channels = input.channels && input.channels.length > 0 ? input.channels : policy.channels;
  const quality = await db
    .selectFrom("profile_quality")
    .select("excluded")
    .where("entity_id", "=", id)
    .executeTakeFirst();
  const golden = (await getProfiles(db, [id])).get(id) ?? null;
  const place = await db
    .selectFrom("entity_enrichment")
    .select("value")
    .where("entity_id", "=", id)
    .where("field", "=", "place")
    .executeTakeFirst();
  const timeZone = place
    ? ((fromJson<{ value: { timeZone?: string | null } }>(place.value).value?.timeZone ?? null) as
        | string
        | null)
    : null;
  const score = await db
    .selectFrom("profile_score")
    .select("value")
    .where("entity_id", "=", id)
    .where("name", "=", "p_alive")
    .executeTakeFirst();
  const longest = Math.max(0, ...policy.caps.map((c) => c.days));
  const sent = await messagesOf(db, [id], {
    since: new Date(now - longest * 86_400_000).toISOString(),
    limit: 10_000,
  });
  const responses = await responsesOf(db, [id], [...policy.suppressAllOn, ...policy.suppressChannelOn]);
  const consent = new Map<string, { allowed: boolean; reason: string }>();
  for (const c of channels) {
    const p = (await mayContact(db, [id], input.purpose ?? policy.purpose, c)).get(id);
    if (p) consent.set(c, p);
  }
  const reachable: Record<string, boolean> = {
    email: (golden?.emails ?? []).some((e) => e.valid),
    sms: (golden?.phones ?? []).some((p) => p.valid && p.type !== "fixed_line"),
  };
  const facts: ContactFacts = {
    now,
    reachable,
    excluded: Number(quality?.excluded ?? 0) === 1,
    timeZone,
    pAlive: score ? Number(score.value) : null,
    sent: sent.map((m) => ({ channel: m.channel, at: Date.parse(m.sentAt) })),
    responses: responses
      .filter((r) => Date.parse(r.at) <= now)
      .map((r) => ({ channel: r.channel, kind: r.kind, at: Date.parse(r.at) })),
    consent,
  };
  const d = decideContact(policy, facts, channels);
  return { profile: id, at: new Date(now).toISOString(), ...d };
}
