import { type Address, makeAddress, sameAddress } from "./addresses.js";
import { desktopUserAgents, deviceModels, mobileUserAgents, tabletModels } from "./catalog.js";
import { type City, type Country, countries, countryInfo, countryWeights } from "./countries.js";
import type { ScrambledSequence, TakenFilter } from "./ids.js";
import { landline, mobile, type Phone } from "./phones.js";
import { type Company, type Culture, nicknames, type Pools } from "./pools.js";
import { type Rng, WeightedTable } from "./prng.js";
import { civilFromDays, DAY } from "./time.js";
import { familyEmail, type NameParts, personalEmail, workEmail } from "./usernames.js";

/**
 * The true population: people living in households. A household shares an address (and its history of
 * moves), usually a family name, sometimes a landline, a family tablet and a shared mailbox. People change
 * e-mail providers and phone numbers over time, use nicknames, work somewhere. Every source record is an
 * imperfect view of one of these people at one moment.
 */

export interface Timeline {
  /** The moment the data set describes ("now"), in seconds since the epoch. */
  asOf: number;
  /** The earliest moment any record is about. */
  start: number;
}

export interface Residence {
  address: Address;
  city: City;
  /** When the household moved in (seconds); the first residence started before the timeline. */
  since: number;
  /** The home router's public address while living there. */
  ip: string;
}

export interface Device {
  id: string;
  /** The app install's anonymous id (Segment's anonymousId), shared by everyone who uses the device. */
  anonymousId: string;
  type: "ios" | "android";
  manufacturer: string;
  model: string;
  osName: string;
  osVersion: string;
  tablet: boolean;
}

export interface EmailPeriod {
  address: string;
  since: number;
  until: number;
}

/** How many records of each kind a person leaves. */
export interface Presence {
  crm: number;
  orders: number;
  signups: number;
  appSessions: number;
  webSessions: number;
  support: number;
  social: number;
}

export type Gender = "female" | "male" | "other";

export interface Person {
  id: string;
  household: Household;
  culture: Culture;
  gender: Gender;
  title: string;
  given: string;
  middle: string;
  family: string;
  suffix: string;
  /** The nickname the person habitually goes by, if any. */
  nickname: string | null;
  /** Date of birth as days since 1970-01-01. */
  dob: number;
  /** Personal e-mail addresses over time, oldest first; the periods cover the whole timeline. */
  emails: EmailPeriod[];
  company: Company | null;
  jobTitle: string | null;
  workEmail: string | null;
  workPhone: Phone | null;
  mobile: Phone | null;
  /** The previous mobile number and when it was replaced by `mobile`. */
  oldMobile: Phone | null;
  mobileSince: number;
  loyaltyNumber: string;
  userId: string;
  device: Device | null;
  desktopUserAgent: string;
  mobileUserAgent: string;
  cookieId: string;
  /** When the person became a customer (seconds). */
  since: number;
  presence: Presence;
}

export interface Household {
  id: string;
  country: Country;
  residences: Residence[];
  landline: Phone | null;
  familyDevice: Device | null;
  sharedEmail: string | null;
  members: Person[];
}

/** Shared, sequential state of population generation (ids and uniqueness filters). */
export interface PopulationState {
  nextPerson: number;
  nextHousehold: number;
  taken: TakenFilter;
  nameFallback: ScrambledSequence;
  loyalty: ScrambledSequence;
}

// adults per household (minors are not customers): mostly one or two, a few large families
const HOUSEHOLD_SIZES = new WeightedTable([1, 2, 3, 4, 5, 6], [0.3, 0.42, 0.14, 0.08, 0.04, 0.02]);
const ADULT_AGE_BANDS = new WeightedTable(
  [
    [18, 24],
    [25, 34],
    [35, 44],
    [45, 54],
    [55, 64],
    [65, 74],
    [75, 90],
  ] as const,
  [7, 22, 19, 17, 15, 11, 6],
);
const COUNTRY_TABLE = new WeightedTable(
  countries,
  countries.map((c) => countryWeights[c]),
);
const DEVICE_TABLE = new WeightedTable(
  deviceModels,
  deviceModels.map((d) => d.weight),
);
const TABLET_TABLE = new WeightedTable(
  tabletModels,
  tabletModels.map((d) => d.weight),
);
const PROVIDERS = Object.fromEntries(
  countries.map((c) => [
    c,
    new WeightedTable(
      countryInfo[c].emailProviders.map((p) => p[0]),
      countryInfo[c].emailProviders.map((p) => p[1]),
    ),
  ]),
) as Record<Country, WeightedTable<string>>;
/** Providers people leave when they change address. */
const LEGACY_PROVIDERS = [
  "aol.com",
  "hotmail.com",
  "yahoo.com",
  "msn.com",
  "earthlink.net",
  "juno.com",
  "live.com",
];
const ISP_NETWORKS: Record<Country, number[]> = {
  US: [24, 50, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 96, 97, 98, 99, 107, 108, 173, 174],
  GB: [81, 82, 86, 90, 92, 109],
  CA: [24, 70, 99, 142, 174],
  AU: [1, 49, 58, 101, 121],
  DE: [79, 84, 87, 91, 93],
  FR: [78, 82, 86, 90, 92],
};

export function publicIp(rng: Rng, country: Country): string {
  return `${rng.pick(ISP_NETWORKS[country])}.${rng.int(256)}.${rng.int(256)}.${rng.range(1, 254)}`;
}

/** An address a phone on a mobile network shows (carrier-grade NAT ranges of large carriers). */
export function mobileIp(rng: Rng): string {
  const network = rng.pick(["172.56", "172.58", "174.205", "166.170", "107.77", "100.37"]);
  return `${network}.${rng.int(256)}.${rng.range(1, 254)}`;
}

export function makeDevice(rng: Rng, tablet: boolean): Device {
  const model = (tablet ? TABLET_TABLE : DEVICE_TABLE).sample(rng);
  return {
    id: model.type === "ios" ? rng.uuid().toUpperCase() : rng.hex(8),
    anonymousId: rng.uuid(),
    type: model.type,
    manufacturer: model.manufacturer,
    model: model.model,
    osName: model.osName,
    osVersion: rng.pick(model.osVersions),
    tablet,
  };
}

function ageBand(rng: Rng, minAge: number): number {
  for (;;) {
    const [lo, hi] = ADULT_AGE_BANDS.sample(rng);
    const age = rng.range(lo, hi);
    if (age >= minAge) return age;
  }
}

function dobForAge(rng: Rng, timeline: Timeline, age: number): number {
  const today = Math.floor(timeline.asOf / DAY);
  return today - Math.floor(age * 365.2425) - rng.int(365);
}

function titleFor(rng: Rng, country: Country, gender: Gender, age: number, married: boolean): string {
  if (gender === "other") return "Mx";
  if (age >= 28 && rng.chance(0.02)) return country === "DE" ? "Dr." : "Dr";
  if (age >= 40 && rng.chance(0.003)) return "Prof";
  if (country === "DE") return gender === "male" ? "Herr" : "Frau";
  if (country === "FR") return gender === "male" ? "M." : married || age > 30 ? "Mme" : "Mlle";
  if (gender === "male") return "Mr";
  if (married) return "Mrs";
  return age < 25 && rng.chance(0.5) ? "Miss" : "Ms";
}

interface Member {
  role: "head" | "partner" | "child" | "roommate" | "elder";
  age: number;
  gender: Gender;
  culture: Culture;
  family: string;
  married: boolean;
  given?: string;
  suffix?: string;
  /** Index of the member this one is a twin of. */
  twinOf?: number;
}

function genderOf(rng: Rng): Gender {
  const x = rng.next();
  return x < 0.505 ? "female" : x < 0.995 ? "male" : "other";
}

function opposite(rng: Rng, g: Gender): Gender {
  if (rng.chance(0.06)) return g;
  return g === "female" ? "male" : g === "male" ? "female" : genderOf(rng);
}

/** Who lives in a household of `size`: a couple with adult children, roommates, several generations… */
function composeHousehold(rng: Rng, pools: Pools, country: Country, size: number): Member[] {
  const culture = pools.cultures[country].sample(rng);
  const familyOf = (c: Culture) => pools.names[c].family.sample(rng);
  const family = familyOf(culture);
  const single = (role: Member["role"], minAge: number): Member => {
    const c = rng.chance(0.85) ? culture : pools.cultures[country].sample(rng);
    return {
      role,
      age: ageBand(rng, minAge),
      gender: genderOf(rng),
      culture: c,
      family: familyOf(c),
      married: false,
    };
  };
  if (size === 1) return [single("head", 18)];

  const roommates = size <= 4 && rng.chance(size === 2 ? 0.15 : 0.1);
  if (roommates) {
    return Array.from({ length: size }, () => {
      const m = single("roommate", 19);
      m.age = rng.range(19, 36);
      return m;
    });
  }

  const headAge = ageBand(rng, size >= 3 ? 38 : 22);
  const head: Member = { role: "head", age: headAge, gender: genderOf(rng), culture, family, married: true };
  const members: Member[] = [head];
  const singleParent = size === 2 && rng.chance(0.12);
  if (!singleParent) {
    const partnerCulture = rng.chance(0.85) ? culture : pools.cultures[country].sample(rng);
    const sharesName = rng.chance(0.75);
    let partnerFamily = sharesName ? family : familyOf(partnerCulture);
    if (sharesName && rng.chance(0.05)) partnerFamily = `${familyOf(partnerCulture)}-${family}`;
    members.push({
      role: "partner",
      age: Math.max(20, Math.round(headAge + rng.gaussian(-1.5, 4))),
      gender: opposite(rng, head.gender),
      culture: partnerCulture,
      family: partnerFamily,
      married: sharesName,
    });
  } else {
    head.married = false;
  }
  const elders = size >= 5 && rng.chance(0.3) ? rng.range(1, 2) : size === 3 && rng.chance(0.1) ? 1 : 0;
  for (let i = 0; i < elders && members.length < size; i++) {
    members.push({
      role: "elder",
      age: Math.min(99, headAge + rng.range(22, 34)),
      gender: i === 0 ? genderOf(rng) : "male",
      culture,
      family: rng.chance(0.6) ? family : familyOf(culture),
      married: true,
    });
  }
  const youngest = Math.min(36, headAge - 18);
  while (members.length < size) {
    members.push({
      role: "child",
      age: rng.range(18, Math.max(18, youngest)),
      gender: genderOf(rng),
      culture,
      family: rng.chance(0.92) ? family : familyOf(culture),
      married: false,
    });
  }
  // twins share a birthday, a family name and an address: a classic false-match trap
  const children = members.filter((m) => m.role === "child");
  if (children.length >= 2 && rng.chance(0.03)) {
    const [first, second] = children as [Member, Member];
    second.age = first.age;
    second.family = first.family;
    second.twinOf = members.indexOf(first);
  }
  // a son named after his father: "Robert Smith Sr" and "Robert Smith Jr" at one address
  if (culture === "anglo" && head.gender === "male" && rng.chance(0.04)) {
    const son = members.find((m) => m.role === "child" && m.gender === "male" && m.family === family);
    if (son) {
      head.given = pools.names.anglo.male.sample(rng);
      son.given = head.given;
      head.suffix = "Sr";
      son.suffix = "Jr";
    }
  }
  return members;
}

function pickPresence(rng: Rng, age: number): Presence {
  const youth = age < 35 ? 1.3 : age < 55 ? 1 : age < 70 ? 0.6 : 0.3;
  const p: Presence = {
    crm: rng.chance(0.55) ? 1 + (rng.chance(0.13) ? 1 : 0) + (rng.chance(0.03) ? 1 : 0) : 0,
    orders: rng.chance(0.42) ? 1 + rng.geometric(0.42, 24) : 0,
    signups: rng.chance(0.26) ? 1 + (rng.chance(0.1) ? 1 : 0) : 0,
    appSessions: rng.chance(0.17 * youth) ? 1 + rng.geometric(0.5, 10) : 0,
    webSessions: rng.chance(0.36) ? 1 + rng.geometric(0.5, 10) : 0,
    support: rng.chance(0.06) ? 1 + rng.geometric(0.6, 5) : 0,
    social: rng.chance(0.2 * youth) ? 1 + (rng.chance(0.3) ? 1 : 0) + (rng.chance(0.08) ? 1 : 0) : 0,
  };
  if (p.crm + p.orders + p.signups + p.appSessions + p.webSessions + p.support + p.social === 0) {
    if (rng.chance(0.5)) p.crm = 1;
    else p.webSessions = 1;
  }
  return p;
}

function residencesFor(rng: Rng, pools: Pools, country: Country, timeline: Timeline): Residence[] {
  let city: City = pools.cities[country].sample(rng);
  const first: Residence = {
    address: makeAddress(rng, pools, country, city),
    city,
    since: timeline.start - rng.int(20 * 365) * DAY,
    ip: publicIp(rng, country),
  };
  const residences = [first];
  const moves = rng.weighted([0, 1, 2], [60, 30, 10]);
  const span = timeline.asOf - 14 * DAY - timeline.start;
  const times = Array.from({ length: moves }, () => timeline.start + rng.int(span)).sort((a, b) => a - b);
  for (const since of times) {
    if (!rng.chance(0.65)) city = pools.cities[country].sample(rng);
    else {
      const nearby = pools.citiesByRegion.get(`${country}:${city.regionName}`);
      if (nearby !== undefined) city = rng.pick(nearby);
    }
    let address = makeAddress(rng, pools, country, city);
    if (sameAddress(address, residences[residences.length - 1]!.address))
      address = makeAddress(rng, pools, country, city);
    residences.push({ address, city, since, ip: publicIp(rng, country) });
  }
  return residences;
}

/** Builds one person of a household from their place in it. */
function makePerson(
  rng: Rng,
  pools: Pools,
  state: PopulationState,
  timeline: Timeline,
  household: Household,
  member: Member,
  twinDob: number | null,
): Person {
  const index = state.nextPerson++;
  const names = pools.names[member.culture];
  const gender = member.gender;
  const given =
    member.given ??
    (gender === "female"
      ? names.female
      : gender === "male"
        ? names.male
        : rng.chance(0.5)
          ? names.female
          : names.male
    ).sample(rng);
  const middle = rng.chance(member.culture === "anglo" ? 0.4 : 0.15)
    ? (gender === "female" ? names.female : names.male).sample(rng)
    : "";
  const dob = twinDob ?? dobForAge(rng, timeline, member.age);
  const birthYear = civilFromDays(dob).year;
  const options = nicknames.get(given);
  const nickname = options !== undefined && rng.chance(0.35) ? options[0]! : null;
  const country = household.country;
  const parts: NameParts = { given, family: member.family, nickname, birthYear };
  const { taken, nameFallback } = state;

  const emails: EmailPeriod[] = [];
  const changes = rng.chance(0.3);
  const firstDomain =
    changes && rng.chance(0.5) ? rng.pick(LEGACY_PROVIDERS) : PROVIDERS[country].sample(rng);
  const firstEmail = personalEmail(rng, taken, nameFallback, parts, firstDomain);
  if (changes) {
    const switchAt = timeline.start + rng.int(timeline.asOf - timeline.start);
    let second = PROVIDERS[country].sample(rng);
    if (second === firstDomain) second = "gmail.com";
    emails.push({ address: firstEmail, since: -Infinity, until: switchAt });
    emails.push({
      address: personalEmail(rng, taken, nameFallback, parts, second),
      since: switchAt,
      until: Infinity,
    });
  } else {
    emails.push({ address: firstEmail, since: -Infinity, until: Infinity });
  }

  const employed = member.age >= 21 && member.age <= 67 && rng.chance(0.6);
  const company = employed ? rng.pick(pools.companies) : null;
  // phone numbers mostly come from where the household first lived; people keep them when they move
  const city = rng.chance(0.75) ? household.residences[0]!.city : pools.cities[country].sample(rng);
  const hasMobile = rng.chance(member.age > 80 ? 0.6 : 0.95);
  const mobilePhone = hasMobile ? mobile(rng, country, city) : null;
  const changedMobile = hasMobile && rng.chance(0.08);
  const age = member.age;
  const presence = pickPresence(rng, age);
  const since = timeline.start + rng.int(timeline.asOf - 7 * DAY - timeline.start);

  return {
    id: `P${String(index + 1).padStart(8, "0")}`,
    household,
    culture: member.culture,
    gender,
    title: titleFor(rng, country, gender, age, member.married),
    given,
    middle,
    family: member.family,
    suffix:
      member.suffix ??
      (member.culture === "anglo" && gender === "male" && rng.chance(0.01)
        ? rng.pick(["Jr", "II", "III"])
        : ""),
    nickname,
    dob,
    emails,
    company,
    jobTitle: company ? rng.pick(pools.jobTitles) : null,
    workEmail: company && rng.chance(0.6) ? workEmail(rng, taken, nameFallback, parts, company.domain) : null,
    workPhone: company && rng.chance(0.5) ? landline(rng, country, city) : null,
    mobile: mobilePhone,
    oldMobile: changedMobile ? mobile(rng, country, city) : null,
    mobileSince: changedMobile ? timeline.start + rng.int(timeline.asOf - timeline.start) : -Infinity,
    loyaltyNumber: `LL${String(state.loyalty.next()).padStart(state.loyalty.width, "0")}`,
    userId: rng.uuid(),
    device: presence.appSessions > 0 ? makeDevice(rng, false) : null,
    desktopUserAgent: rng.pick(desktopUserAgents),
    mobileUserAgent: rng.pick(mobileUserAgents),
    cookieId: rng.uuid(),
    since,
    presence,
  };
}

/** Generates whole households until exactly `people` people have been made (the last one may be cut short). */
export function makeHouseholds(
  rng: Rng,
  pools: Pools,
  state: PopulationState,
  timeline: Timeline,
  people: number,
): Household[] {
  const households: Household[] = [];
  let made = 0;
  while (made < people) {
    const size = Math.min(HOUSEHOLD_SIZES.sample(rng), people - made);
    const country = COUNTRY_TABLE.sample(rng);
    const index = state.nextHousehold++;
    const residences = residencesFor(rng, pools, country, timeline);
    const homeCity = residences[residences.length - 1]!.city;
    const household: Household = {
      id: `H${String(index + 1).padStart(8, "0")}`,
      country,
      residences,
      landline: rng.chance(countryInfo[country].landlineShare) ? landline(rng, country, homeCity) : null,
      familyDevice: size >= 2 && rng.chance(0.35) ? makeDevice(rng, true) : null,
      sharedEmail: null,
      members: [],
    };
    const members = composeHousehold(rng, pools, country, size);
    for (const member of members) {
      const twin = member.twinOf === undefined ? undefined : household.members[member.twinOf];
      household.members.push(makePerson(rng, pools, state, timeline, household, member, twin?.dob ?? null));
    }
    const head = household.members[0]!;
    if (size >= 2 && rng.chance(0.06)) {
      household.sharedEmail = familyEmail(
        rng,
        state.taken,
        state.nameFallback,
        head.family,
        PROVIDERS[country].sample(rng),
        civilFromDays(head.dob).year,
      );
    }
    households.push(household);
    made += household.members.length;
  }
  return households;
}

/** Where the household lived at a moment. */
export function residenceAt(household: Household, time: number): Residence {
  const list = household.residences;
  for (let i = list.length - 1; i > 0; i--) if (list[i]!.since <= time) return list[i]!;
  return list[0]!;
}

/** The residence before the one at `time`, or that one when there was no move. */
export function previousResidence(household: Household, time: number): Residence {
  const list = household.residences;
  for (let i = list.length - 1; i > 0; i--) if (list[i]!.since <= time) return list[i - 1]!;
  return list[0]!;
}

export function emailAt(person: Person, time: number): string {
  for (const period of person.emails) if (time < period.until) return period.address;
  return person.emails[person.emails.length - 1]!.address;
}

export function mobileAt(person: Person, time: number): Phone | null {
  return person.oldMobile !== null && time < person.mobileSince ? person.oldMobile : person.mobile;
}

/** A random moment while the person has been a customer. */
export function momentOf(rng: Rng, person: Person, timeline: Timeline): number {
  return person.since + rng.int(Math.max(1, timeline.asOf - person.since));
}
