import type { StandardAddress } from "../../model/standardized.js";
import { fold } from "../../standardize/fold.js";
import { phonetic } from "../../standardize/phonetic.js";
import type { GoldenProfile } from "../golden-profile.js";

/**
 * A resolved person as householding sees them: the places they live and have lived, their family names,
 * the contact points and devices a household shares, and what they spent. Built from the golden profile and
 * the person's linked records; pure.
 */

export interface HouseholdRecord {
  key: string;
  source: string;
  observedAt: string;
  addresses: StandardAddress[];
  family: string | null;
  phones: string[];
  emails: string[];
  identifiers: { type: string; value: string }[];
  /** An amount spent (an order), with its currency and order id when known. */
  spend: { amount: number; currency: string; order: string | null } | null;
}

export interface HouseholdAddressValue {
  line: string;
  streetNumber: string | null;
  street: string | null;
  unit: string | null;
  city: string | null;
  region: string | null;
  postcode: string | null;
  country: string | null;
}

export interface HouseholdCandidate {
  entity: string;
  name: string | null;
  homeAddress: string | null;
  /** The home address in full, with the record it came from and when. */
  home: { address: HouseholdAddressValue; record: string; observedAt: string } | null;
  addresses: string[];
  building: string | null;
  /** Number and postcode, and number and street, of every address: they still agree when the rest has a typo. */
  numberPostcode: string[];
  numberStreet: string[];
  /** Every postcode (a sign-up may give no more), and the main one: the home's, else the most given. */
  postcodes: string[];
  postcode: string | null;
  /** The golden family name, folded: with the home's number or street, a blocking key. */
  surname: string | null;
  /** The home's street number and street, apart (for blocking), and those of every address (to compare). */
  houseNumber: string | null;
  streetName: string | null;
  houseNumbers: string[];
  streetNames: string[];
  family: string[];
  familySound: string[];
  phones: string[];
  ips: string[];
  devices: string[];
  emails: string[];
  /** Spend per currency, each order counted once. */
  spend: Record<string, number>;
  orders: number;
  lastSeen: string;
}

/** A postal address as a key: number, street, flat, and postcode (or city when there is none) and country. */
export function addressKey(
  a: Pick<StandardAddress, "streetNumber" | "street" | "unit" | "postcode" | "city" | "locality" | "country">,
): string | null {
  if (!a.streetNumber || !a.street) return null;
  const place = a.postcode ?? a.city ?? a.locality;
  if (!place) return null;
  return [a.streetNumber, a.street, a.unit ?? "", place, a.country ?? ""].join("|");
}

function buildingKey(a: StandardAddress): string | null {
  if (!a.streetNumber || !a.street) return null;
  const place = a.postcode ?? a.city ?? a.locality;
  return place ? [a.streetNumber, a.street, place, a.country ?? ""].join("|") : null;
}

/**
 * The street's first letter ("jean vlg" → "j"): number and postcode agree with it when the street has a typo
 * further on (or a suffix the standardiser did not recognise), but no longer whenever two houses of one postcode
 * have the same number.
 */
function streetInitial(street: string): string {
  return street.trim().slice(0, 1);
}

const time = (iso: string) => {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : t;
};

/**
 * The person's household features. `excluded` holds generic values per feature (a shop's address, a
 * call-centre phone, a carrier's shared IP): they are left out, as they are left out of matching.
 */
export function householdCandidate(
  entity: string,
  profile: GoldenProfile | null,
  records: HouseholdRecord[],
  excluded: Map<string, Set<string>> = new Map(),
): HouseholdCandidate {
  const keep = (feature: string, values: Iterable<string>) => {
    const ex = excluded.get(feature);
    return [...new Set(values)].filter((v) => v !== "" && !ex?.has(v)).sort();
  };
  // Addresses by key, with how many records give each and when last.
  const seen = new Map<
    string,
    {
      count: number;
      last: number;
      address: StandardAddress;
      record: string;
      observedAt: string;
      onlyShipped: boolean;
    }
  >();
  for (const r of records) {
    for (const a of r.addresses) {
      const key = addressKey(a);
      if (!key) continue;
      const t = time(r.observedAt);
      const s = seen.get(key);
      const shipped = a.label === "shipping";
      if (!s)
        seen.set(key, {
          count: 1,
          last: t,
          address: a,
          record: r.key,
          observedAt: r.observedAt,
          onlyShipped: shipped,
        });
      else {
        s.count++;
        s.onlyShipped &&= shipped;
        if (t > s.last) Object.assign(s, { last: t, address: a, record: r.key, observedAt: r.observedAt });
      }
    }
  }
  const addressEx = excluded.get("addressLine");
  // A place something was shipped to once, by someone who lives elsewhere, is a gift's recipient.
  // The most recent address is kept whatever: it may be where the person moved to.
  const lives = [...seen.values()].some((s) => !s.onlyShipped || s.count > 1);
  const newest = Math.max(...[...seen.values()].map((s) => s.last));
  const usable = [...seen].filter(
    ([, s]) =>
      !addressEx?.has(s.address.line) && !(lives && s.onlyShipped && s.count === 1 && s.last < newest),
  );
  const ranked = usable.sort(
    (a, b) => b[1].count - a[1].count || b[1].last - a[1].last || (a[0] < b[0] ? -1 : 1),
  );
  const top = ranked[0];
  const families = new Set<string>();
  const golden = profile?.name?.value.family;
  for (const f of [golden, ...records.map((r) => r.family)]) {
    if (!f) continue;
    const folded = fold(f);
    families.add(folded.replaceAll(" ", ""));
    // A double-barrelled name is each of its parts too: "garcia lopez" shares a family with "lopez".
    for (const part of folded.split(/[\s-]+/)) if (part.length >= 3) families.add(part);
  }
  const sounds = new Set<string>();
  for (const f of families) {
    const p = phonetic(f);
    if (p) sounds.add(p[0]);
  }
  const ids = records.flatMap((r) => r.identifiers);
  const postcodeCounts = new Map<string, number>();
  for (const r of records)
    for (const a of r.addresses)
      if (a.postcode) postcodeCounts.set(a.postcode, (postcodeCounts.get(a.postcode) ?? 0) + 1);
  const mainPostcode =
    top?.[1].address.postcode ??
    [...postcodeCounts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ??
    null;
  const surname = golden ? fold(golden).replaceAll(" ", "") || null : null;
  const spend: Record<string, number> = {};
  const orders = new Set<string>();
  let unnamed = 0;
  for (const r of records) {
    if (!r.spend) continue;
    const order = r.spend.order ?? `#${unnamed++}`;
    if (orders.has(order)) continue;
    orders.add(order);
    spend[r.spend.currency] = Math.round(((spend[r.spend.currency] ?? 0) + r.spend.amount) * 100) / 100;
  }
  const lastSeen = records.reduce(
    (m, r) => (time(r.observedAt) > time(m) ? r.observedAt : m),
    records[0]?.observedAt ?? "",
  );
  const n = profile?.name?.value;
  return {
    entity,
    name: n ? [n.given, n.family].filter(Boolean).join(" ") || null : null,
    homeAddress: top?.[0] ?? null,
    home: top
      ? {
          address: {
            line: top[1].address.line,
            streetNumber: top[1].address.streetNumber,
            street: top[1].address.street,
            unit: top[1].address.unit,
            city: top[1].address.city ?? top[1].address.locality,
            region: top[1].address.region,
            postcode: top[1].address.postcode,
            country: top[1].address.country,
          },
          record: top[1].record,
          observedAt: top[1].observedAt,
        }
      : null,
    addresses: usable.map(([k]) => k).sort(),
    building: top ? buildingKey(top[1].address) : null,
    numberPostcode: [
      ...new Set(
        usable.flatMap(([, v]) =>
          v.address.postcode
            ? [`${v.address.streetNumber}|${v.address.postcode}|${streetInitial(v.address.street as string)}`]
            : [],
        ),
      ),
    ].sort(),
    postcodes: keep("postcodes", postcodeCounts.keys()),
    postcode: mainPostcode,
    surname,
    houseNumber: top?.[1].address.streetNumber ?? null,
    streetName: top?.[1].address.street ?? null,
    houseNumbers: [...new Set(usable.map(([, v]) => v.address.streetNumber as string))].sort(),
    streetNames: [...new Set(usable.map(([, v]) => v.address.street as string))].sort(),
    numberStreet: [
      ...new Set(
        usable.map(
          ([, v]) =>
            `${v.address.streetNumber}|${v.address.street}|${v.address.city ?? v.address.locality ?? v.address.region ?? ""}|${v.address.country ?? ""}`,
        ),
      ),
    ].sort(),
    family: [...families].sort(),
    familySound: [...sounds].sort(),
    phones: keep(
      "phone",
      records.flatMap((r) => r.phones),
    ),
    ips: keep(
      "id:ip_address",
      ids.filter((i) => i.type === "ip_address").map((i) => i.value),
    ),
    devices: [
      ...keep(
        "id:device_id",
        ids.filter((i) => i.type === "device_id").map((i) => i.value),
      ).map((v) => `device:${v}`),
      ...keep(
        "id:anonymous_id",
        ids.filter((i) => i.type === "anonymous_id").map((i) => i.value),
      ).map((v) => `install:${v}`),
    ],
    emails: keep(
      "email",
      records.flatMap((r) => r.emails),
    ),
    spend,
    orders: orders.size,
    lastSeen,
  };
}

/**
 * Whether the person gives householding anything to go on: a street address, a postcode with a family name, or
 * something households share.
 */
export function hasHouseholdEvidence(c: HouseholdCandidate): boolean {
  return (
    c.homeAddress !== null ||
    (c.postcodes.length > 0 && c.family.length > 0) ||
    c.phones.length + c.ips.length + c.devices.length + c.emails.length > 0
  );
}
