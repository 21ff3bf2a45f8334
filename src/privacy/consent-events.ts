/**
 * Consent as events carry it (pure). Three conventions are read, on any event type:
 *
 * 1. Segment Consent Management: `context.consent.categoryPreferences` — `{ "Advertising": true,
 *    "Analytics": false }` — each category a purpose for every channel; true is granted, false denied.
 * 2. A track event named "Consent Updated" (or Segment's "Segment Consent Preference Updated") whose
 *    properties are `{ purpose, channel?, state }` or `{ consents: [{ purpose, channel?, state }] }`.
 * 3. Identify traits (or `context.traits`) `consent: { <purpose>: <state or boolean> | { <channel>: <state or
 *    boolean> } }`.
 *
 * States are "granted", "denied" or "revoked" (booleans: true granted, false denied). Purposes and channels are
 * folded to lower case; anything else is skipped and named in the result's problems.
 */

export type ConsentState = "granted" | "denied" | "revoked";

export interface ConsentChange {
  purpose: string;
  /** A channel, or "*" for every channel. */
  channel: string;
  state: ConsentState;
}

export const consentNamePattern = /^[a-z0-9][a-z0-9_.:-]{0,63}$/;
const trackNames = new Set(["consent updated", "segment consent preference updated"]);

function objectAt(o: unknown, key: string): Record<string, unknown> | null {
  const v = o && typeof o === "object" ? (o as Record<string, unknown>)[key] : undefined;
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

export function stateOf(v: unknown): ConsentState | null {
  if (v === true) return "granted";
  if (v === false) return "denied";
  if (typeof v !== "string") return null;
  const s = v.trim().toLowerCase();
  if (s === "granted" || s === "denied" || s === "revoked") return s;
  if (s === "true" || s === "yes" || s === "opt-in" || s === "opted-in") return "granted";
  if (s === "false" || s === "no" || s === "opt-out" || s === "opted-out") return "denied";
  return null;
}

export function nameOf(v: unknown): string | null {
  if (typeof v !== "string") return null;
  const s = v.trim().toLowerCase().replace(/\s+/g, "_");
  return consentNamePattern.test(s) ? s : null;
}

/** The consent changes one event body states, and what could not be read. */
export function consentInEvent(body: unknown): { changes: ConsentChange[]; problems: string[] } {
  const changes: ConsentChange[] = [];
  const problems: string[] = [];
  const add = (purposeRaw: unknown, channelRaw: unknown, stateRaw: unknown, where: string) => {
    const purpose = nameOf(purposeRaw);
    const channel =
      channelRaw === undefined || channelRaw === null || channelRaw === "*" ? "*" : nameOf(channelRaw);
    const state = stateOf(stateRaw);
    if (!purpose || !channel || !state) {
      problems.push(`${where}: purpose, channel or state not readable`);
      return;
    }
    changes.push({ purpose, channel, state });
  };
  if (!body || typeof body !== "object") return { changes, problems };
  const b = body as Record<string, unknown>;
  const context = objectAt(b, "context");
  const prefs = objectAt(objectAt(context, "consent"), "categoryPreferences");
  if (prefs)
    for (const [k, v] of Object.entries(prefs)) add(k, "*", v, `context.consent.categoryPreferences.${k}`);

  if (b.type === "track" && typeof b.event === "string" && trackNames.has(b.event.trim().toLowerCase())) {
    const p = objectAt(b, "properties");
    if (p) {
      if (Array.isArray(p.consents))
        p.consents.forEach((c, i) => {
          const o = c && typeof c === "object" ? (c as Record<string, unknown>) : {};
          add(o.purpose, o.channel, o.state, `properties.consents[${i}]`);
        });
      else if (p.purpose !== undefined) add(p.purpose, p.channel, p.state, "properties");
      const cp = objectAt(p, "categoryPreferences");
      if (cp) for (const [k, v] of Object.entries(cp)) add(k, "*", v, `properties.categoryPreferences.${k}`);
    }
  }

  for (const [traits, where] of [
    [objectAt(b, "traits"), "traits"],
    [objectAt(context, "traits"), "context.traits"],
  ] as const) {
    const c = objectAt(traits, "consent");
    if (!c) continue;
    for (const [purpose, v] of Object.entries(c)) {
      if (v && typeof v === "object" && !Array.isArray(v))
        for (const [channel, s] of Object.entries(v as Record<string, unknown>))
          add(purpose, channel, s, `${where}.consent.${purpose}.${channel}`);
      else add(purpose, "*", v, `${where}.consent.${purpose}`);
    }
  }
  // One event states each purpose and channel once: the last statement wins.
  const last = new Map<string, ConsentChange>();
  for (const c of changes) last.set(`${c.purpose}\u0000${c.channel}`, c);
  return { changes: [...last.values()], problems };
}
