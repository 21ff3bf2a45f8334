import { createHash } from "node:crypto";
import type { GoldenProfile, MemberRecord } from "./golden-profile.js";
import { lookupKeys, survive } from "./survivorship.js";
import type { SurvivorshipSettings } from "./survivorship-settings.js";

/** An entity as derived from its records: the golden profile, its fingerprint, and its lookup keys. */
export interface DerivedEntity {
  records: string[];
  profile: GoldenProfile;
  /** Equal hashes mean an unchanged profile: no `updated` change is written. */
  hash: string;
  lookups: { kind: "email" | "phone" | "name"; value: string }[];
}

export function deriveEntity(members: MemberRecord[], settings: SurvivorshipSettings): DerivedEntity {
  const profile = survive(members, settings);
  const records = members.map((m) => m.key).sort();
  const hash = createHash("sha1")
    .update(JSON.stringify(profile))
    .update("\u0000")
    .update(records.join("\u0001"))
    .digest("hex")
    .slice(0, 20);
  return { records, profile, hash, lookups: lookupKeys(members, profile) };
}
