import type { GoldenProfile } from "../master/golden-profile.js";
import { type AddressToLocate, locate, type Place } from "./geography.js";

/**
 * What a profile's data implies, derived offline and marked as derived: where the person lives (coordinates,
 * region, time zone), their age band, how long they have been a customer, and the channel and device they
 * use most. Every value carries how it was derived and from which records or fields.
 */

export interface Derivation {
  derived: true;
  method: string;
  /** The records or golden fields read. */
  from: string[];
  /** A data package, when one was read. */
  source?: string;
}

export interface DerivedValue<T> {
  value: T;
  derivation: Derivation;
}

export interface EnrichmentRecord {
  key: string;
  source: string;
  observedAt: string;
  extra: Record<string, unknown>;
}

export interface Enrichment {
  place: DerivedValue<Place> | null;
  ageBand: DerivedValue<string> | null;
  tenure: DerivedValue<{ since: string; days: number; years: number }> | null;
  preferredChannel: DerivedValue<{ channel: string; share: number; counts: Record<string, number> }> | null;
  preferredDevice: DerivedValue<{
    device: string;
    model: string | null;
    counts: Record<string, number>;
  }> | null;
}

export const ageBands = ["under 18", "18-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+"] as const;

export function ageBandOf(age: number): string {
  if (age < 18) return "under 18";
  if (age < 25) return "18-24";
  if (age < 35) return "25-34";
  if (age < 45) return "35-44";
  if (age < 55) return "45-54";
  if (age < 65) return "55-64";
  if (age < 75) return "65-74";
  return "75+";
}

/**
 * Channel of a record by its source's name: what the person did there. Sources named otherwise count as
 * their own name (a configured `channels` map overrides this).
 */
export function channelOf(source: string, channels: Record<string, string> = {}): string {
  const mapped = channels[source];
  if (mapped) return mapped;
  if (/app|mobile|ios|android/i.test(source)) return "app";
  if (/web|signup|site|access|click|visit/i.test(source)) return "web";
  if (/chat|support|mail|email|call/i.test(source)) return "support";
  if (/social|instagram|twitter|facebook|tiktok/i.test(source)) return "social";
  if (/order|shop|store|pos|commerce/i.test(source)) return "orders";
  if (/crm/i.test(source)) return "crm";
  return source;
}

/** Device kind and model a record shows: an app event's device, a user agent's platform. */
export function deviceOf(extra: Record<string, unknown>): { device: string; model: string | null } | null {
  const type = extra["$.context.device.type"] ?? extra.device_type;
  const model = typeof extra.device_model === "string" ? extra.device_model : null;
  if (typeof type === "string" && type) return { device: type.toLowerCase(), model };
  const agent = extra.user_agent;
  if (typeof agent !== "string" || agent === "") return model ? { device: "app", model } : null;
  if (/iPhone|iPad|iOS/i.test(agent)) return { device: "ios", model: null };
  if (/Android/i.test(agent)) return { device: "android", model: null };
  if (/Mobile/i.test(agent)) return { device: "mobile web", model: null };
  if (/bot|crawl|spider|python|curl|headless/i.test(agent)) return null;
  return { device: "desktop", model: null };
}

const dayMs = 86_400_000;

function count<K extends string>(items: K[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[i] = (out[i] ?? 0) + 1;
  return out;
}

function top(counts: Record<string, number>): [string, number] | null {
  return Object.entries(counts).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0] ?? null;
}

export function enrich(
  profile: GoldenProfile | null,
  records: EnrichmentRecord[],
  now: Date,
  options: { channels?: Record<string, string> } = {},
): Enrichment {
  const out: Enrichment = {
    place: null,
    ageBand: null,
    tenure: null,
    preferredChannel: null,
    preferredDevice: null,
  };
  const address = profile?.address;
  if (address) {
    const a: AddressToLocate = {
      postcode: address.value.postcode,
      city: address.value.city,
      region: address.value.region,
      country: address.value.country,
    };
    const place = locate(a);
    if (place)
      out.place = {
        value: place,
        derivation: {
          derived: true,
          method:
            place.precision === "postcode"
              ? "postcode centre, time zone at it"
              : "city centre, time zone at it",
          from: [`golden address (${address.lineage.record})`],
          source: `${place.source}, @photostructure/tz-lookup`,
        },
      };
  }
  const dob = profile?.dateOfBirth;
  if (dob) {
    const [y, m, d] = dob.value.split("-").map(Number);
    if (y) {
      let age = now.getUTCFullYear() - y;
      if (m && (m > now.getUTCMonth() + 1 || (m === now.getUTCMonth() + 1 && (d ?? 1) > now.getUTCDate())))
        age--;
      if (age >= 0 && age <= 120)
        out.ageBand = {
          value: ageBandOf(age),
          derivation: {
            derived: true,
            method: `age ${age} on ${now.toISOString().slice(0, 10)}`,
            from: [`golden date of birth (${dob.lineage.record})`],
          },
        };
    }
  }
  const times = records
    .map((r) => ({ key: r.key, t: Date.parse(r.observedAt) }))
    .filter((x) => !Number.isNaN(x.t))
    .sort((a, b) => a.t - b.t);
  const first = times[0];
  if (first) {
    const days = Math.max(0, Math.floor((now.getTime() - first.t) / dayMs));
    out.tenure = {
      value: { since: new Date(first.t).toISOString(), days, years: Math.round((days / 365.25) * 10) / 10 },
      derivation: { derived: true, method: "days since the first record was observed", from: [first.key] },
    };
  }
  const channels = records.map((r) => channelOf(r.source, options.channels));
  const channelCounts = count(channels);
  const best = top(channelCounts);
  if (best)
    out.preferredChannel = {
      value: {
        channel: best[0],
        share: Math.round((best[1] / records.length) * 1000) / 1000,
        counts: channelCounts,
      },
      derivation: {
        derived: true,
        method: "the channel most of the person's records and events came through",
        from: records
          .filter((_, k) => channels[k] === best[0])
          .slice(0, 10)
          .map((r) => r.key),
      },
    };
  const devices = records.map((r) => ({ key: r.key, d: deviceOf(r.extra) })).filter((x) => x.d !== null);
  const deviceCounts = count(devices.map((x) => x.d?.device as string));
  const device = top(deviceCounts);
  if (device) {
    const models = count(
      devices.filter((x) => x.d?.device === device[0] && x.d.model).map((x) => x.d?.model as string),
    );
    out.preferredDevice = {
      value: { device: device[0], model: top(models)?.[0] ?? null, counts: deviceCounts },
      derivation: {
        derived: true,
        method: "the device kind most events and sign-ups came from (app device, user agent)",
        from: devices
          .filter((x) => x.d?.device === device[0])
          .slice(0, 10)
          .map((x) => x.key),
      },
    };
  }
  return out;
}
