import { z } from "zod";

/**
 * Whether, and on which channel, a profile may be messaged now: suppression (quality exclusion, complaints,
 * unsubscribes, likely no longer active), consent, a way to reach them, frequency caps per channel and over
 * all channels, and quiet hours in the person's own time zone. Pure: the job gathers the facts, this decides.
 */

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM (24-hour)");

function validZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const contactPolicySchema = z.strictObject({
  /** Channels in order of preference when a request names none. */
  channels: z.array(z.string().min(1)).min(1).default(["email", "sms", "push"]),
  /** The consent purpose messages are sent for. */
  purpose: z.string().min(1).default("marketing"),
  /** At most `max` messages in `days` days on `channel` ("*": over every channel). */
  caps: z
    .array(
      z.strictObject({
        channel: z.string().min(1),
        max: z.number().int().min(0),
        days: z.number().positive().max(3660),
      }),
    )
    .default([
      { channel: "email", max: 3, days: 7 },
      { channel: "sms", max: 2, days: 7 },
      { channel: "*", max: 5, days: 7 },
    ]),
  /** No messages between start and end, local time (start after end spans midnight). */
  quietHours: z
    .strictObject({
      start: hhmm,
      end: hhmm,
      /** Used when the profile's time zone is not known. */
      timeZone: z.string().refine(validZone, "is not an IANA time zone").default("UTC"),
      channels: z.array(z.string().min(1)).optional(),
    })
    .nullable()
    .default({ start: "21:00", end: "08:00", timeZone: "UTC" }),
  /** Suppress people whose probability of still being active (p_alive) is below this; null: never. */
  minPAlive: z.number().min(0).max(1).nullable().default(0.05),
  /** Response kinds that suppress the channel of the message they answer, and every channel. */
  suppressChannelOn: z.array(z.string()).default(["unsubscribed"]),
  suppressAllOn: z.array(z.string()).default(["complained"]),
  /** How one of the allowed channels is chosen (src/analytics/bandit/channel-choice.ts). */
  choice: z
    .strictObject({
      /** "thompson": by Thompson sampling over the ledger's responses; "preference": the first allowed. */
      strategy: z.enum(["thompson", "preference"]).default("thompson"),
      /** Response kinds that count a message as a success (any of them). */
      success: z.array(z.string().min(1)).min(1).default(["clicked", "converted"]),
      /** Arms per channel and campaign, not per channel. */
      byMessage: z.boolean().default(false),
      /** The Beta prior of every arm. */
      priorAlpha: z.number().positive().default(1),
      priorBeta: z.number().positive().default(1),
      /** Only messages sent in the last N days count (null: all), so that the choice follows change. */
      sinceDays: z.number().positive().max(3660).nullable().default(null),
    })
    .default({
      strategy: "thompson",
      success: ["clicked", "converted"],
      byMessage: false,
      priorAlpha: 1,
      priorBeta: 1,
      sinceDays: null,
    }),
});

export type ContactPolicy = z.infer<typeof contactPolicySchema>;

export class PolicyError extends Error {
  override name = "PolicyError";
}

export function parseContactPolicy(input: unknown): ContactPolicy {
  const r = contactPolicySchema.safeParse(input ?? {});
  if (r.success) return r.data;
  throw new PolicyError(
    `the contact policy is not valid: ${r.error.issues.map((i) => `${i.path.join(".") || "policy"}: ${i.message}`).join("; ")}`,
  );
}

export const defaultContactPolicy: ContactPolicy = parseContactPolicy({});

export type DecisionCode =
  | "ok"
  | "excluded"
  | "complained"
  | "unsubscribed"
  | "inactive"
  | "no-consent"
  | "no-address"
  | "frequency-cap"
  | "quiet-hours";

export interface ChannelCheck {
  channel: string;
  allowed: boolean;
  code: DecisionCode;
  reason: string;
  /** When it would be allowed again, if waiting helps (caps, quiet hours). */
  nextAllowedAt?: string;
}

export interface ContactFacts {
  now: number;
  /** Whether the profile has a valid address on each channel (absent: assumed reachable). */
  reachable: Record<string, boolean>;
  excluded: boolean;
  timeZone: string | null;
  pAlive: number | null;
  /** Messages sent within the longest cap window. */
  sent: { channel: string; at: number }[];
  /** Suppressing responses ever recorded. */
  responses: { channel: string; kind: string; at: number }[];
  /** Consent per channel, as the consent store answers. */
  consent: Map<string, { allowed: boolean; reason: string }>;
}

export interface Decision {
  allowed: boolean;
  channel: string | null;
  code: DecisionCode;
  reason: string;
  nextAllowedAt: string | null;
  checks: ChannelCheck[];
  timeZone: string;
}

/** Minutes since local midnight in a time zone. */
export function localMinutes(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date(at));
  const h = Number(parts.find((p) => p.type === "hour")?.value ?? 0);
  const m = Number(parts.find((p) => p.type === "minute")?.value ?? 0);
  return h * 60 + m;
}

function minutesOf(t: string): number {
  const [h, m] = t.split(":").map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** Whether `at` falls in quiet hours, and if so when they end (epoch ms). */
export function quietUntil(at: number, q: { start: string; end: string }, timeZone: string): number | null {
  const now = localMinutes(at, timeZone);
  const start = minutesOf(q.start);
  const end = minutesOf(q.end);
  if (start === end) return null;
  const inside = start < end ? now >= start && now < end : now >= start || now < end;
  if (!inside) return null;
  const wait = (end - now + 1440) % 1440;
  // Whole minutes: the end is at the start of its minute, local time.
  return Math.floor(at / 60_000) * 60_000 + wait * 60_000;
}

function checkChannel(channel: string, policy: ContactPolicy, f: ContactFacts, tz: string): ChannelCheck {
  const no = (code: DecisionCode, reason: string, next?: number): ChannelCheck => ({
    channel,
    allowed: false,
    code,
    reason,
    ...(next !== undefined ? { nextAllowedAt: new Date(next).toISOString() } : {}),
  });
  if (f.excluded)
    return no("excluded", "the profile is excluded by the quality run (likely fake or unusable)");
  const all = f.responses.find((r) => policy.suppressAllOn.includes(r.kind));
  if (all)
    return no("complained", `${all.kind} on ${all.channel} (${new Date(all.at).toISOString().slice(0, 10)})`);
  const own = f.responses.find((r) => r.channel === channel && policy.suppressChannelOn.includes(r.kind));
  if (own)
    return no("unsubscribed", `${own.kind} from ${channel} (${new Date(own.at).toISOString().slice(0, 10)})`);
  if (policy.minPAlive !== null && f.pAlive !== null && f.pAlive < policy.minPAlive)
    return no(
      "inactive",
      `probability of still being active ${f.pAlive.toFixed(3)} is below ${policy.minPAlive}`,
    );
  const consent = f.consent.get(channel);
  if (consent && !consent.allowed) return no("no-consent", consent.reason);
  if (f.reachable[channel] === false)
    return no("no-address", `no valid ${channel === "sms" ? "phone number" : channel} address`);
  for (const cap of policy.caps) {
    if (cap.channel !== "*" && cap.channel !== channel) continue;
    const from = f.now - cap.days * 86_400_000;
    const inWindow = f.sent
      .filter((s) => s.at > from && s.at <= f.now && (cap.channel === "*" || s.channel === channel))
      .map((s) => s.at)
      .sort((a, b) => a - b);
    if (inWindow.length >= cap.max) {
      // A slot frees when the message that puts the count at the cap leaves the window.
      const leaving = inWindow[inWindow.length - cap.max];
      return no(
        "frequency-cap",
        `${inWindow.length} ${cap.channel === "*" ? "messages" : `${channel} messages`} in the last ${cap.days} days (at most ${cap.max})`,
        leaving === undefined ? undefined : leaving + cap.days * 86_400_000,
      );
    }
  }
  const q = policy.quietHours;
  if (q && (!q.channels || q.channels.includes(channel))) {
    const until = quietUntil(f.now, q, tz);
    if (until !== null) return no("quiet-hours", `quiet hours ${q.start}–${q.end} in ${tz}`, until);
  }
  return {
    channel,
    allowed: true,
    code: "ok",
    reason: consent ? `may be messaged (${consent.reason})` : "may be messaged",
  };
}

/** Decides on the channels in order of preference: the first one allowed wins. */
export function decideContact(
  policy: ContactPolicy,
  facts: ContactFacts,
  channels?: readonly string[],
): Decision {
  const tz = facts.timeZone ?? policy.quietHours?.timeZone ?? "UTC";
  const order = channels && channels.length > 0 ? channels : policy.channels;
  const checks = order.map((c) => checkChannel(c, policy, facts, tz));
  const ok = checks.find((c) => c.allowed);
  if (ok)
    return {
      allowed: true,
      channel: ok.channel,
      code: "ok",
      reason: `${ok.channel}: ${ok.reason}`,
      nextAllowedAt: null,
      checks,
      timeZone: tz,
    };
  const waits = checks.flatMap((c) => (c.nextAllowedAt ? [c.nextAllowedAt] : [])).sort();
  const first = checks[0];
  return {
    allowed: false,
    channel: null,
    code: first?.code ?? "no-address",
    reason: checks.map((c) => `${c.channel}: ${c.reason}`).join("; ") || "no channel to try",
    nextAllowedAt: waits[0] ?? null,
    checks,
    timeZone: tz,
  };
}
