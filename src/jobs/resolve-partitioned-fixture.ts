import type { MatchRecord } from "../model/match-record.js";
import type { StandardName } from "../model/standardized.js";
import { standardizeEmail } from "../standardize/email.js";
import { standardizeName } from "../standardize/name.js";
import { upsertMatchViews } from "../store/match-views.js";
import type { Store } from "../store/open-store.js";
import { Corruptor, defaultCorruptionRates } from "../synthetic/corrupt.js";
import { countryInfo } from "../synthetic/countries.js";
import { timelineFor } from "../synthetic/generate.js";
import { ScrambledSequence, TakenFilter } from "../synthetic/ids.js";
import {
  emailAt,
  makeHouseholds,
  mobileAt,
  momentOf,
  type PopulationState,
  residenceAt,
} from "../synthetic/person.js";
import { buildPools } from "../synthetic/pools.js";
import { Rng } from "../synthetic/prng.js";
import { civilFromDays } from "../synthetic/time.js";

/**
 * Many generated records straight into the store's match views, for benchmarks and tests of batch
 * resolution at sizes an import cannot reach in time (an import standardises ≈ 6,000 rows a second; this
 * writes ≈ 50,000). People and households come from the synthetic generator (`src/synthetic`): names,
 * nicknames, dates of birth, e-mails and mobiles over time, addresses and moves, shared family names and
 * addresses; each person leaves one to three records (crm, orders, web_signups) made imperfect by the
 * generator's corruptor. Names and e-mails go through the real standardisers; phones are written in E.164
 * from the generator's own number (no libphonenumber); addresses keep postcode, city and country only. No
 * source records are written: resolution reads match views alone. The truth is in the record id:
 * `<person id>~<n>`, read back with the pattern `^(.+)~`.
 */

export interface SyntheticViewsOptions {
  /** Records to write, about (people are added until there are this many). */
  records: number;
  seed?: number;
  onProgress?: (written: number) => void;
}

export const truthPattern = /^(.+)~/;

const RECORDS_PER_PERSON = [1, 2, 3];
const RECORDS_WEIGHTS = [0.3, 0.45, 0.25];
const SOURCES = ["crm", "orders", "web_signups"];

export async function writeSyntheticViews(store: Store, options: SyntheticViewsOptions): Promise<number> {
  const seed = options.seed ?? 1;
  const timeline = timelineFor(seed);
  const pools = buildPools(seed);
  const people = Math.ceil(options.records / 2);
  const state: PopulationState = {
    nextPerson: 0,
    nextHousehold: 0,
    taken: new TakenFilter(Math.min(31, Math.max(16, Math.ceil(Math.log2(people * 64))))),
    nameFallback: new ScrambledSequence(seed, "name", people * 8 + 16),
    loyalty: new ScrambledSequence(seed, "loyalty", people + 16),
  };
  const names = new Map<string, StandardName | null>();
  let written = 0;
  for (let chunk = 0; written < options.records; chunk++) {
    const rng = Rng.from(seed, 1, chunk);
    const corrupt = new Corruptor(rng, defaultCorruptionRates);
    const households = makeHouseholds(rng, pools, state, timeline, 2_000);
    const rows: { source: string; sourceRecordId: string; view: string }[] = [];
    for (const household of households) {
      for (const person of household.members) {
        const k = rng.weighted(RECORDS_PER_PERSON, RECORDS_WEIGHTS);
        for (let n = 0; n < k && written + rows.length < options.records; n++) {
          const source = SOURCES[n] as string;
          const t = momentOf(rng, person, timeline);
          const given = corrupt.given(person.given, person.nickname, source !== "crm");
          const family = corrupt.name(person.family);
          const nameKey = `${given}\u0000${family}`;
          let name = names.get(nameKey);
          if (name === undefined) {
            if (names.size > 200_000) names.clear();
            name = standardizeName({ given, family }).value;
            names.set(nameKey, name);
          }
          const email = corrupt.missing(3)
            ? null
            : standardizeEmail({ address: corrupt.email(emailAt(person, t)) }).value;
          const phone = mobileAt(person, t);
          const e164 =
            phone === null || corrupt.missing(4)
              ? null
              : `+${countryInfo[phone.country].dialCode}${corrupt.digits(phone.national)}`;
          const dob = corrupt.missing(2) ? null : civilFromDays(person.dob);
          if (dob && dob.day <= 12 && rng.chance(0.02)) [dob.day, dob.month] = [dob.month, dob.day];
          const residence = residenceAt(household, t);
          const address = residence.address;
          const view: MatchRecord = {
            name: name
              ? {
                  given: name.given,
                  middle: name.middle,
                  family: name.family,
                  givenCanonical: name.givenCanonical,
                  givenPhonetic: name.givenPhonetic,
                  familyPhonetic: name.familyPhonetic,
                }
              : null,
            emails: email
              ? [
                  {
                    canonical: email.canonical,
                    local: email.local,
                    domain: email.domain,
                    valid: email.valid,
                    role: email.role,
                  },
                ]
              : [],
            phones: e164 ? [{ e164, original: "" }] : [],
            addresses: corrupt.missing(2)
              ? []
              : [
                  {
                    streetNumber: null,
                    street: null,
                    unit: null,
                    locality: null,
                    city: address.city.toLowerCase(),
                    region: address.region || null,
                    postcode: address.postcode.replace(/\s+/g, "").toUpperCase(),
                    country: address.country,
                    line: "",
                  },
                ],
            dateOfBirth: dob ? { year: dob.year, month: dob.month, day: dob.day } : null,
            gender: person.gender,
            identifiers: [],
          };
          rows.push({ source, sourceRecordId: `${person.id}~${n}`, view: JSON.stringify(view) });
        }
      }
    }
    await store.db.transaction().execute((trx) => upsertMatchViews(trx, rows));
    written += rows.length;
    options.onProgress?.(written);
  }
  return written;
}
