import type { EventIdentifier, SegmentEvent } from "../model/event.js";
import { standardizeEmail } from "../standardize/email.js";
import { standardizePhone } from "../standardize/phone.js";

/**
 * The live identity graph's rules, pure: which identifiers an event carries, and what an event does to the
 * profiles that hold them — none: a new profile; one: attach; several: merge — under guards that stop
 * over-merging: blocked values, per-type limits, a cap on identifiers per profile, never two different user
 * ids in one profile, and values shared by too many profiles (generic) ignored. What a guard refuses is
 * returned as a finding, never dropped.
 */

export interface IdentityGuards {
  /** Values that never identify anyone (compared lower-cased, trimmed). */
  blockedValues: string[];
  /** Regular expressions (case-insensitive) of values that never identify anyone, e.g. test addresses. */
  blockedPatterns: string[];
  /** Most identifiers of one kind a profile may hold; kinds not listed use `defaultLimit`. */
  limits: Record<string, number>;
  defaultLimit: number;
  /** Most identifiers of all kinds a profile may hold. */
  maxIdentifiers: number;
  /** Kinds a profile holds at most one value of; two profiles with different values never merge. */
  unique: string[];
  /** A value seen on this many profiles that could not be merged is generic: it links nobody any more. */
  maxProfilesPerValue: number;
  /** Identifier kinds in order of strength: the strongest one present decides where an event goes. */
  priority: string[];
}

export const defaultIdentityGuards: IdentityGuards = {
  blockedValues: [
    "",
    "null",
    "undefined",
    "nil",
    "none",
    "n/a",
    "na",
    "0",
    "-1",
    "anonymous",
    "unknown",
    "guest",
    "test",
    "user",
    "00000000-0000-0000-0000-000000000000",
  ],
  blockedPatterns: ["^test@", "@(example|test)\\.(com|org|net)$", "^noreply@", "^no-reply@", "^\\+?0+$"],
  limits: { user_id: 1, email: 5, phone: 5, device_id: 20, advertising_id: 20, anonymous_id: 100 },
  defaultLimit: 10,
  maxIdentifiers: 200,
  unique: ["user_id"],
  maxProfilesPerValue: 5,
  priority: ["user_id", "ext", "email", "phone", "advertising_id", "device_id", "anonymous_id"],
};

export interface BlockedIdentifier extends EventIdentifier {
  reason: string;
}

export function identifierKey(i: EventIdentifier): string {
  return `${i.kind}:${i.value}`;
}

function rank(kind: string, guards: IdentityGuards): number {
  const base = kind.startsWith("ext:") ? "ext" : kind;
  const r = guards.priority.indexOf(base);
  return r < 0 ? guards.priority.length : r;
}

function text(v: unknown): string | null {
  if (typeof v === "string") return v.trim();
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  return null;
}

function objectAt(o: unknown, key: string): Record<string, unknown> | null {
  const v = o && typeof o === "object" ? (o as Record<string, unknown>)[key] : undefined;
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/** Compiles the guards' blocked values and patterns once. */
export function blockedTest(guards: IdentityGuards): (value: string) => boolean {
  const values = new Set(guards.blockedValues.map((v) => v.trim().toLowerCase()));
  const patterns = guards.blockedPatterns.map((p) => new RegExp(p, "i"));
  return (value) => {
    const v = value.trim().toLowerCase();
    return values.has(v) || patterns.some((p) => p.test(v));
  };
}

/**
 * The identifiers an event carries: userId, anonymousId, traits.email and traits.phone (also under
 * context.traits), context.device.id and advertisingId, context.externalIds; emails in canonical form, phones
 * in E.164. Invalid and blocked values are returned apart, with the reason.
 */
export function eventIdentifiers(
  event: SegmentEvent,
  isBlocked: (value: string) => boolean,
  defaultCountry?: string,
): { identifiers: EventIdentifier[]; blocked: BlockedIdentifier[] } {
  const found: EventIdentifier[] = [];
  const blocked: BlockedIdentifier[] = [];
  const seen = new Set<string>();
  const add = (kind: string, raw: unknown) => {
    const value = text(raw);
    if (value === null) return;
    if (isBlocked(value)) {
      blocked.push({ kind, value, reason: "blocked value" });
      return;
    }
    let normal = value;
    if (kind === "email") {
      const e = standardizeEmail({ address: value }).value;
      if (!e?.valid) {
        blocked.push({ kind, value, reason: "not a valid email address" });
        return;
      }
      normal = e.canonical;
    } else if (kind === "phone") {
      const p = standardizePhone({ number: value }, defaultCountry).value;
      if (!p?.e164 || !p.valid) {
        blocked.push({ kind, value, reason: "not a valid phone number" });
        return;
      }
      normal = p.e164;
    }
    if (isBlocked(normal)) {
      blocked.push({ kind, value, reason: "blocked value" });
      return;
    }
    const key = `${kind}:${normal}`;
    if (seen.has(key)) return;
    seen.add(key);
    found.push({ kind, value: normal });
  };
  add("user_id", event.userId);
  add("anonymous_id", event.anonymousId);
  // An alias ties an earlier identity, almost always an anonymous one, to the user id. (Two user ids are never
  // merged by the guards anyway: an alias between them is refused as a finding.)
  if (event.type === "alias") add("anonymous_id", event.previousId);
  const context = event.context ?? null;
  for (const traits of [event.traits, objectAt(context, "traits")]) {
    if (!traits) continue;
    add("email", traits.email);
    add("phone", traits.phone);
  }
  const device = objectAt(context, "device");
  if (device) {
    add("device_id", device.id);
    add("advertising_id", device.advertisingId);
  }
  const external = context?.externalIds;
  if (Array.isArray(external)) {
    for (const x of external) {
      const type = x && typeof x === "object" ? text((x as Record<string, unknown>).type) : null;
      if (type) add(`ext:${type.toLowerCase()}`, (x as Record<string, unknown>).id);
    }
  }
  return { identifiers: found, blocked };
}

/** What the graph knows of one identifier: the profile holding it, or that it is generic. */
export interface IdentifierState {
  entityId: string | null;
  generic: boolean;
  /** How many profiles it was seen on that could not be merged with its holder. */
  shared: number;
}

export interface GraphFinding {
  kind: "refused-merge" | "identifier-limit" | "generic-identifier";
  message: string;
  entities: string[];
  identifiers: EventIdentifier[];
}

export interface GraphDecision {
  /** The profile the event belongs to, or null for a new one. */
  target: string | null;
  /** Other profiles that merge into the target (the store picks which id survives). */
  merge: string[];
  /** Identifiers that join the target (or the new profile). */
  add: EventIdentifier[];
  /** Identifiers held by profiles that could not be merged: their `shared` count goes up. */
  shared: EventIdentifier[];
  findings: GraphFinding[];
}

/**
 * Decides what one event does to the graph. `state` gives each identifier's holder; `heldBy` gives the
 * identifiers each involved profile already holds.
 */
export function decideEvent(
  identifiers: EventIdentifier[],
  state: (i: EventIdentifier) => IdentifierState | undefined,
  heldBy: (entityId: string) => EventIdentifier[],
  guards: IdentityGuards,
): GraphDecision {
  const findings: GraphFinding[] = [];
  const ordered = [...identifiers].sort((a, b) => rank(a.kind, guards) - rank(b.kind, guards));
  const usable: EventIdentifier[] = [];
  for (const i of ordered) {
    if (state(i)?.generic) {
      findings.push({
        kind: "generic-identifier",
        message: `${i.kind} ${i.value} is shared by too many profiles and links nobody`,
        entities: [],
        identifiers: [i],
      });
    } else usable.push(i);
  }
  // Profiles in the order of their strongest identifier on this event.
  const owners: string[] = [];
  for (const i of usable) {
    const e = state(i)?.entityId;
    if (e && !owners.includes(e)) owners.push(e);
  }
  // The event's own unique identifiers (its user id) bind the profile it goes to, like the profile's own.
  const held = new Map<string, Set<string>>();
  let total = 0;
  const hold = (i: EventIdentifier) => {
    let s = held.get(i.kind);
    if (!s) {
      s = new Set();
      held.set(i.kind, s);
    }
    if (!s.has(i.value)) {
      s.add(i.value);
      total++;
    }
  };
  for (const i of usable) if (guards.unique.includes(i.kind)) hold(i);

  // Each holder, strongest first, joins the profile unless a guard refuses; the first to join is the target.
  let target: string | null = null;
  const merge: string[] = [];
  const shared: EventIdentifier[] = [];
  for (const owner of owners) {
    const theirs = heldBy(owner);
    const reasons: string[] = [];
    for (const kind of guards.unique) {
      const mine = held.get(kind);
      const clash = theirs.find(
        (i) => i.kind === kind && mine !== undefined && mine.size > 0 && !mine.has(i.value),
      );
      if (clash) reasons.push(`two different ${kind}s (${[...(mine ?? [])][0]} and ${clash.value})`);
    }
    const byKind = new Map<string, number>();
    for (const i of theirs)
      if (!held.get(i.kind)?.has(i.value)) byKind.set(i.kind, (byKind.get(i.kind) ?? 0) + 1);
    let extra = 0;
    for (const [kind, n] of byKind) {
      extra += n;
      const limit = guards.limits[kind] ?? guards.defaultLimit;
      if (!guards.unique.includes(kind) && (held.get(kind)?.size ?? 0) + n > limit)
        reasons.push(`more than ${limit} ${kind}s`);
    }
    if (total + extra > guards.maxIdentifiers) reasons.push(`more than ${guards.maxIdentifiers} identifiers`);
    if (reasons.length > 0) {
      const via = usable.filter((i) => state(i)?.entityId === owner);
      shared.push(...via);
      const into = target ?? "the profile of this event";
      findings.push({
        kind: "refused-merge",
        message: `${owner} was not merged with ${into}: ${reasons.join("; ")}`,
        entities: target ? [target, owner] : [owner],
        identifiers: via,
      });
      continue;
    }
    if (target === null) target = owner;
    else merge.push(owner);
    for (const i of theirs) hold(i);
  }
  // What the target and the profiles merging into it hold already; the rest of the event's identifiers join.
  const owned = new Set<string>();
  for (const e of target ? [target, ...merge] : []) for (const i of heldBy(e)) owned.add(identifierKey(i));
  const add: EventIdentifier[] = [];
  const limited: EventIdentifier[] = [];
  for (const i of usable) {
    const holder = state(i)?.entityId;
    if (holder && holder !== target && !merge.includes(holder)) continue;
    if (owned.has(identifierKey(i))) continue;
    const limit = guards.limits[i.kind] ?? guards.defaultLimit;
    const unique = guards.unique.includes(i.kind);
    if (!unique && ((held.get(i.kind)?.size ?? 0) >= limit || total >= guards.maxIdentifiers)) {
      limited.push(i);
      continue;
    }
    if (!unique) hold(i);
    add.push(i);
  }
  if (limited.length > 0)
    findings.push({
      kind: "identifier-limit",
      message: `${limited.map((i) => `${i.kind} ${i.value}`).join(", ")} not added to ${target ?? "the new profile"}: its limit is reached`,
      entities: target ? [target] : [],
      identifiers: limited,
    });
  return { target, merge, add, shared, findings };
}
