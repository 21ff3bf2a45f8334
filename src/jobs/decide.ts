import {
  type ArmDraw,
  type ChannelChoice,
  chooseChannel,
  decisionRandom,
  explainChoice,
} from "../analytics/bandit/channel-choice.js";
import { type ContactFacts, type Decision, decideContact } from "../analytics/contact-policy.js";
import { mayContact } from "../privacy/consent.js";
import { saveChannelDecisions } from "../store/attribution.js";
import { getProfiles } from "../store/entities.js";
import { messagesOf, responsesOf } from "../store/ledger.js";
import type { Store } from "../store/open-store.js";
import { fromJson } from "../store/schema.js";
import { ledgerArmsCached } from "./decide-arms.js";
import { LedgerError, profileId, readPolicy } from "./ledger.js";

/**
 * `POST /v1/decide`, `tessera decide`, `tessera bandit decide`: whether a profile may be messaged now, and on
 * which channel, with the reasons. One path: the facts (quality exclusion, suppressing responses, p_alive,
 * consent, addresses, recent messages, time zone) are read from the store and handed to the pure contact
 * policy, which says which channels are allowed; one of those is then chosen by Thompson sampling over the
 * ledger's responses (the policy's `choice`: success kinds, per channel or per campaign, priors), or by
 * preference. A channel the policy refuses is never chosen, however well it has done.
 */

export interface DecideInput {
  profile: string;
  channels?: string[];
  /** The moment to decide for (default now). */
  at?: string;
  /** Consent purpose (default the policy's). */
  purpose?: string;
  /** How to choose among the allowed channels (default the policy's `choice.strategy`). */
  strategy?: "thompson" | "preference";
  /** Response kinds that count as a success (default the policy's, clicked or converted). */
  success?: string[];
  /** Choose a campaign too (default the policy's). */
  byMessage?: boolean;
  /** Only messages of the last N days count (default the policy's). */
  sinceDays?: number;
  /** Seeds the draw: the same seed and ledger give the same answer. */
  seed?: number;
}

export interface DecideOptions {
  /** The moment to decide for when the input names none (default now). */
  clock?: number;
  /** Reuse the ledger's arm counts for this long (the API: a few seconds). Default 0: read them each time. */
  armsMaxAgeMs?: number;
  /** Keep the decision in `channel_decision` with its evidence. */
  save?: boolean;
}

export interface DecideAnswer extends Decision {
  profile: string;
  at: string;
  /** The campaign chosen with the channel, when choosing by message. */
  message: string | null;
  /** How the channel was chosen among the allowed ones, with every arm's posterior and draw. */
  choice: {
    strategy: "thompson" | "preference";
    success: string[];
    byMessage: boolean;
    seed: number | null;
    arms: ArmDraw[];
  } | null;
}

function listOf(value: unknown, field: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((c) => typeof c !== "string" || c.length === 0))
    throw new LedgerError(`${field}: must be a list of names`);
  return value as string[];
}

export async function decide(
  store: Store,
  input: DecideInput,
  clockOrOptions: number | DecideOptions = {},
): Promise<DecideAnswer> {
  const o: DecideOptions = typeof clockOrOptions === "number" ? { clock: clockOrOptions } : clockOrOptions;
  const policy = await readPolicy(store);
  const now = input.at === undefined ? (o.clock ?? Date.now()) : Date.parse(input.at);
  if (!Number.isFinite(now)) throw new LedgerError(`at: "${input.at}" is not a date and time`);
  listOf(input.channels, "channels");
  const success = listOf(input.success, "success") ?? policy.choice.success;
  if (success.length === 0) throw new LedgerError("success: name at least one response kind");
  if (input.seed !== undefined && !Number.isInteger(input.seed))
    throw new LedgerError(`seed: ${input.seed} is not a whole number`);
  if (input.sinceDays !== undefined && !(typeof input.sinceDays === "number" && input.sinceDays > 0))
    throw new LedgerError(`sinceDays: ${input.sinceDays} is not a positive number of days`);
  const strategy = input.strategy ?? policy.choice.strategy;
  if (strategy !== "thompson" && strategy !== "preference")
    throw new LedgerError(`strategy: "${strategy}" is not thompson or preference`);
  const byMessage = input.byMessage ?? policy.choice.byMessage;
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
  const at = new Date(now).toISOString();
  const allowed = d.checks.filter((c) => c.allowed).map((c) => c.channel);
  if (allowed.length === 0) return { profile: id, at, ...d, message: null, choice: null };

  const sinceDays = input.sinceDays ?? policy.choice.sinceDays;
  const stats = await ledgerArmsCached(
    store,
    {
      success,
      asOf: at,
      channels: allowed,
      // To the minute, so that the API's memo of the counts serves the same question.
      ...(sinceDays !== null
        ? { since: new Date(Math.floor(now / 60_000) * 60_000 - sinceDays * 86_400_000).toISOString() }
        : {}),
    },
    input.at === undefined ? (o.armsMaxAgeMs ?? 0) : 0,
    Date.now(),
  );
  const picked = chooseChannel(allowed, stats, decisionRandom(input.seed), {
    priorAlpha: policy.choice.priorAlpha,
    priorBeta: policy.choice.priorBeta,
    byMessage,
    strategy,
  }) as ChannelChoice;
  const check = d.checks.find((c) => c.channel === picked.channel);
  const answer: DecideAnswer = {
    profile: id,
    at,
    ...d,
    channel: picked.channel,
    message: picked.message,
    reason: `${picked.channel}: ${check?.reason ?? "may be messaged"}; ${explainChoice(picked, success)}`,
    choice: { strategy, success, byMessage, seed: input.seed ?? null, arms: picked.arms },
  };
  if (o.save)
    await saveChannelDecisions(
      store.db,
      [
        {
          entityId: id,
          channel: picked.channel,
          message: picked.message,
          evidence: { checks: d.checks, choice: answer.choice },
        },
      ],
      at,
    );
  return answer;
}
