import type { StandardAddress, StandardizedRecord } from "../model/standardized.js";
import { fold } from "../standardize/fold.js";
import type {
  GoldenAddress,
  GoldenItem,
  GoldenName,
  GoldenProfile,
  GoldenValue,
  MemberRecord,
  Sighting,
} from "./golden-profile.js";
import {
  defaultSurvivorship,
  type SurvivorshipRule,
  type SurvivorshipSettings,
} from "./survivorship-settings.js";

/**
 * Survivorship: the golden profile of one entity from its linked records. Pure and order-independent —
 * the records are sorted by key first and every tie is broken the same way (trust, then the most recent
 * observation, then the record key), so the same records always give the same profile and lineage.
 */

interface Candidate<T> {
  record: MemberRecord;
  value: T;
  /** Values with equal keys are the same value. */
  key: string;
  /** Parts filled in, for `mostComplete`. */
  completeness: number;
  /** Parts there could be. */
  parts: number;
}

const dayMs = 86_400_000;

function time(iso: string): number {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : t;
}

/** Trust, then the most recent observation, then the smaller record key: the last word in every tie. */
function tieBreak(a: MemberRecord, b: MemberRecord): number {
  return b.trust - a.trust || time(b.observedAt) - time(a.observedAt) || (a.key < b.key ? -1 : 1);
}

function decayedTrust(r: MemberRecord, newest: number, halfLifeDays: number | undefined): number {
  if (!halfLifeDays) return r.trust;
  const ageDays = Math.max(0, (newest - time(r.observedAt)) / dayMs);
  return r.trust * 0.5 ** (ageDays / halfLifeDays);
}

function fmt(x: number): string {
  return x.toFixed(2);
}

/** Chooses one value among the candidates by the rule, with the reason it won. */
function choose<T>(
  candidates: Candidate<T>[],
  rule: SurvivorshipRule,
  newest: number,
): GoldenValue<T> | null {
  if (candidates.length === 0) return null;
  const holders = new Map<string, Candidate<T>[]>();
  for (const c of candidates) {
    const list = holders.get(c.key);
    if (list) list.push(c);
    else holders.set(c.key, [c]);
  }
  const recordsOf = (key: string) => new Set((holders.get(key) ?? []).map((c) => c.record.key)).size;
  let ranked: Candidate<T>[];
  let reason: (winner: Candidate<T>) => string;
  switch (rule.rule) {
    case "sourcePriority": {
      const rank = (s: string) => {
        const i = rule.sources.indexOf(s);
        return i < 0 ? rule.sources.length : i;
      };
      ranked = [...candidates].sort(
        (a, b) => rank(a.record.source) - rank(b.record.source) || tieBreak(a.record, b.record),
      );
      reason = (w) =>
        rank(w.record.source) < rule.sources.length
          ? `source ${w.record.source} comes first among the sources holding a value (priority ${rule.sources.join(" > ")})`
          : `no source of the priority list ${rule.sources.join(" > ")} holds a value; ${w.record.source} is the most trusted that does`;
      break;
    }
    case "trust": {
      const score = new Map(candidates.map((c) => [c, decayedTrust(c.record, newest, rule.halfLifeDays)]));
      ranked = [...candidates].sort(
        (a, b) => (score.get(b) as number) - (score.get(a) as number) || tieBreak(a.record, b.record),
      );
      reason = (w) => {
        const s = score.get(w) as number;
        if (!rule.halfLifeDays)
          return `most trusted source: ${w.record.source} (trust ${fmt(w.record.trust)})`;
        const age = Math.round(Math.max(0, newest - time(w.record.observedAt)) / dayMs);
        return `most trusted after decay: ${w.record.source} trust ${fmt(w.record.trust)}, ${age} days older than the newest record, half-life ${rule.halfLifeDays} days → ${fmt(s)}`;
      };
      break;
    }
    case "mostRecent":
      ranked = [...candidates].sort(
        (a, b) =>
          time(b.record.observedAt) - time(a.record.observedAt) ||
          b.record.version - a.record.version ||
          tieBreak(a.record, b.record),
      );
      reason = (w) => `most recently observed: ${w.record.observedAt} (${w.record.source})`;
      break;
    case "mostFrequent":
      ranked = [...candidates].sort(
        (a, b) => recordsOf(b.key) - recordsOf(a.key) || tieBreak(a.record, b.record),
      );
      reason = (w) => {
        const all = new Set(candidates.map((c) => c.record.key)).size;
        return `most frequent: held by ${recordsOf(w.key)} of the ${all} records with a value`;
      };
      break;
    case "mostComplete":
      ranked = [...candidates].sort(
        (a, b) =>
          b.completeness - a.completeness ||
          recordsOf(b.key) - recordsOf(a.key) ||
          tieBreak(a.record, b.record),
      );
      reason = (w) => `most complete: ${w.completeness} of ${w.parts} parts filled in`;
      break;
    case "nonEmpty":
      ranked = [...candidates].sort(
        (a, b) =>
          time(a.record.observedAt) - time(b.record.observedAt) || (a.record.key < b.record.key ? -1 : 1),
      );
      reason = (w) => `first value observed: ${w.record.observedAt} (${w.record.source})`;
      break;
  }
  const winner = ranked[0] as Candidate<T>;
  const same = (holders.get(winner.key) ?? []).map((c) => c.record);
  const records = [
    winner.record.key,
    ...new Set(same.map((r) => r.key).filter((k) => k !== winner.record.key)),
  ];
  return {
    value: winner.value,
    lineage: {
      rule: rule.rule,
      reason: reason(winner),
      record: winner.record.key,
      source: winner.record.source,
      observedAt: winner.record.observedAt,
      records,
      sources: [...new Set(same.map((r) => r.source))].sort(),
    },
  };
}

function nameCandidates(records: MemberRecord[]): Candidate<GoldenName>[] {
  const out: Candidate<GoldenName>[] = [];
  for (const record of records) {
    const n = record.standardized.name;
    if (!n || (!n.given && !n.family)) continue;
    const value: GoldenName = {
      title: n.title,
      given: n.given,
      middle: n.middle,
      family: n.family,
      suffix: n.suffix,
      full: [n.title, n.given, n.middle, n.family, n.suffix].filter(Boolean).join(" "),
    };
    const filled = [n.title, n.given, n.middle, n.family, n.suffix].filter(Boolean).length;
    out.push({
      record,
      value,
      key: `${n.given ?? ""}|${n.middle ?? ""}|${n.family ?? ""}`,
      completeness: filled,
      parts: 5,
    });
  }
  return out;
}

function dateCandidates(records: MemberRecord[]): Candidate<string>[] {
  const out: Candidate<string>[] = [];
  for (const record of records) {
    const d = record.standardized.dateOfBirth;
    if (!d || d.year === null) continue;
    const value =
      d.iso ??
      (d.month ? `${String(d.year).padStart(4, "0")}-${String(d.month).padStart(2, "0")}` : String(d.year));
    const completeness = (d.year ? 1 : 0) + (d.month ? 1 : 0) + (d.day ? 1 : 0) - (d.ambiguous ? 0.5 : 0);
    out.push({ record, value, key: value, completeness, parts: 3 });
  }
  return out;
}

function genderCandidates(records: MemberRecord[]): Candidate<string>[] {
  return records.flatMap((record) =>
    record.standardized.gender
      ? [
          {
            record,
            value: record.standardized.gender,
            key: record.standardized.gender,
            completeness: 1,
            parts: 1,
          },
        ]
      : [],
  );
}

function goldenAddress(a: StandardAddress): GoldenAddress {
  return {
    line: a.line,
    streetNumber: a.streetNumber,
    street: a.street,
    unit: a.unit,
    city: a.city ?? a.locality,
    region: a.region,
    postcode: a.postcode,
    country: a.country,
  };
}

function addressCandidates(records: MemberRecord[]): Candidate<GoldenAddress>[] {
  const out: Candidate<GoldenAddress>[] = [];
  for (const record of records) {
    for (const a of record.standardized.addresses) {
      if (!a.line) continue;
      const parts = [a.streetNumber, a.street, a.unit, a.city ?? a.locality, a.region, a.postcode, a.country];
      out.push({
        record,
        value: goldenAddress(a),
        key: a.line,
        completeness: parts.filter(Boolean).length,
        parts: parts.length,
      });
    }
  }
  return out;
}

interface ItemSighting {
  key: string;
  value: string;
  valid: boolean;
  type: string | null;
}

function union(records: MemberRecord[], of: (s: StandardizedRecord) => ItemSighting[]): GoldenItem[] {
  const items = new Map<string, { item: GoldenItem; last: number }>();
  for (const record of records) {
    const seen: Sighting = { record: record.key, source: record.source, observedAt: record.observedAt };
    const at = time(record.observedAt);
    for (const s of of(record.standardized)) {
      const held = items.get(s.key);
      if (!held) {
        items.set(s.key, { item: { value: s.value, valid: s.valid, type: s.type, seen: [seen] }, last: at });
        continue;
      }
      if (!held.item.seen.some((x) => x.record === record.key)) held.item.seen.push(seen);
      // The most recent sighting says how the value is written and whether it is valid now.
      if (at > held.last) {
        held.last = at;
        held.item.value = s.value;
        held.item.valid = s.valid;
        held.item.type = s.type;
      }
    }
  }
  const list = [...items.values()];
  for (const { item } of list) {
    item.seen.sort((a, b) => time(a.observedAt) - time(b.observedAt) || (a.record < b.record ? -1 : 1));
  }
  list.sort(
    (a, b) =>
      Number(b.item.valid) - Number(a.item.valid) ||
      b.item.seen.length - a.item.seen.length ||
      b.last - a.last ||
      (a.item.value < b.item.value ? -1 : 1),
  );
  return list.map((x) => x.item);
}

const emailsOf = (s: StandardizedRecord): ItemSighting[] =>
  s.emails.map((e) => ({
    key: e.canonical,
    value: e.normalized,
    valid: e.valid && !e.disposable,
    type: null,
  }));

const phonesOf = (s: StandardizedRecord): ItemSighting[] =>
  s.phones.map((p) => ({
    key: p.e164 ?? p.original.replace(/\D/g, ""),
    value: p.e164 ?? p.original,
    valid: p.valid,
    type: p.type,
  }));

const identifiersOf = (s: StandardizedRecord): ItemSighting[] =>
  s.identifiers.map((i) => ({
    key: `${i.type}\u0001${i.namespace ?? ""}\u0001${i.value}`,
    value: i.namespace ? `${i.namespace}:${i.value}` : i.value,
    valid: true,
    type: i.type,
  }));

/** The golden profile of the entity these records make. */
export function survive(
  members: MemberRecord[],
  settings: SurvivorshipSettings = defaultSurvivorship,
): GoldenProfile {
  const records = [...members].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const newest = records.reduce((m, r) => Math.max(m, time(r.observedAt)), 0);
  return {
    name: choose(nameCandidates(records), settings.name, newest),
    dateOfBirth: choose(dateCandidates(records), settings.dateOfBirth, newest),
    gender: choose(genderCandidates(records), settings.gender, newest),
    address: choose(addressCandidates(records), settings.address, newest),
    emails: union(records, emailsOf),
    phones: union(records, phonesOf),
    identifiers: union(records, identifiersOf),
    records: records.length,
    sources: [...new Set(records.map((r) => r.source))].sort(),
  };
}

/** The lookup keys of a profile: its emails (canonical form), phones (E.164) and folded name, for lookups and search. */
export function lookupKeys(
  members: MemberRecord[],
  profile: GoldenProfile,
): { kind: "email" | "phone" | "name"; value: string }[] {
  const keys = new Set<string>();
  const out: { kind: "email" | "phone" | "name"; value: string }[] = [];
  const add = (kind: "email" | "phone" | "name", value: string) => {
    const k = `${kind}:${value}`;
    if (keys.has(k)) return;
    keys.add(k);
    out.push({ kind, value });
  };
  for (const r of members) {
    for (const e of r.standardized.emails) if (e.canonical) add("email", e.canonical);
    for (const p of r.standardized.phones) if (p.e164) add("phone", p.e164);
    // Each record's own name too ("given family"): live matching looks candidates up by it.
    const m = r.standardized.name;
    const given = m?.given ? fold(m.given) : "";
    const family = m?.family ? fold(m.family) : "";
    if (given && family) add("name", `${given} ${family}`);
  }
  for (const p of profile.phones) if (p.value.startsWith("+")) add("phone", p.value);
  // The golden name, folded, for search by name (a prefix of "given family" or of "family given").
  const n = profile.name?.value;
  if (n) {
    const given = fold(n.given ?? "");
    const family = fold(n.family ?? "");
    const full = fold(n.full);
    if (full) add("name", full);
    if (given && family) {
      add("name", `${given} ${family}`);
      add("name", `${family} ${given}`);
    } else if (family) add("name", family);
  }
  return out;
}
