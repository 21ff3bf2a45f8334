import type { City, Country } from "./countries.js";
import type { Pools } from "./pools.js";
import type { Rng } from "./prng.js";

/**
 * Postal addresses of the synthetic population, made per country and written the ways sources write them:
 * split into columns, on one line, or as the lines of an e-mail signature.
 */

export interface Address {
  country: Country;
  number: string;
  street: string;
  /** Apartment, flat or unit number with its word ("Apt 4B", "Flat 3"), or "". */
  unit: string;
  city: string;
  region: string;
  regionName: string;
  postcode: string;
  /** US only: the ZIP+4 add-on that some sources append. */
  plus4: string;
}

const STREET_TYPES: [string, string][] = [
  ["Street", "St"],
  ["Avenue", "Ave"],
  ["Road", "Rd"],
  ["Drive", "Dr"],
  ["Lane", "Ln"],
  ["Boulevard", "Blvd"],
  ["Court", "Ct"],
  ["Place", "Pl"],
  ["Circle", "Cir"],
  ["Terrace", "Ter"],
  ["Parkway", "Pkwy"],
  ["Square", "Sq"],
  ["Crescent", "Cres"],
  ["Highway", "Hwy"],
  ["Trail", "Trl"],
];
const ABBREVIATE = new Map(STREET_TYPES);
const GB_POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ";
const CA_POSTCODE_LETTERS = "ABCEGHJKLMNPRSTVWXYZ";

/** "S Main Avenue" → "S Main Ave". */
export function abbreviateStreet(street: string): string {
  const space = street.lastIndexOf(" ");
  if (space < 0) return street;
  const short = ABBREVIATE.get(street.slice(space + 1));
  return short === undefined ? street : `${street.slice(0, space)} ${short}`;
}

function letter(rng: Rng, alphabet: string): string {
  return alphabet[rng.int(alphabet.length)]!;
}

function postcodeFor(rng: Rng, country: Country, city: City): string {
  switch (country) {
    case "US": {
      const base = Number.parseInt(city.postcode, 10);
      return String(base - (base % 100) + rng.int(100)).padStart(5, "0");
    }
    case "GB": {
      const area = rng.pick(city.postcode.split(" "));
      const district = area === "EC" ? rng.range(1, 4) : area === "WC" ? rng.range(1, 2) : rng.range(1, 20);
      return `${area}${district} ${rng.int(10)}${letter(rng, GB_POSTCODE_LETTERS)}${letter(rng, GB_POSTCODE_LETTERS)}`;
    }
    case "CA":
      return `${city.postcode.slice(0, 3)} ${rng.int(10)}${letter(rng, CA_POSTCODE_LETTERS)}${rng.int(10)}`;
    case "AU":
      return String(Number.parseInt(city.postcode, 10) + rng.int(20)).padStart(4, "0");
    case "DE":
      return String(Number.parseInt(city.postcode, 10) + rng.int(60)).padStart(5, "0");
    case "FR":
      if (city.name === "Paris") return `750${String(rng.range(1, 20)).padStart(2, "0")}`;
      if (city.name === "Marseille") return `130${String(rng.range(1, 16)).padStart(2, "0")}`;
      if (city.name === "Lyon") return `6900${rng.range(1, 9)}`;
      return city.postcode;
  }
}

function unitFor(rng: Rng, country: Country): string {
  switch (country) {
    case "US":
      if (!rng.chance(0.16)) return "";
      return rng.weighted(
        [
          `Apt ${rng.range(1, 40)}${rng.chance(0.3) ? letter(rng, "ABCDEF") : ""}`,
          `Unit ${rng.range(1, 300)}`,
          `#${rng.range(100, 2400)}`,
          `Suite ${rng.range(100, 900)}`,
        ],
        [60, 20, 15, 5],
      );
    case "GB":
      return rng.chance(0.12) ? `Flat ${rng.range(1, 30)}` : "";
    case "CA":
      return rng.chance(0.2) ? `Apt ${rng.range(101, 2505)}` : "";
    case "AU":
      return rng.chance(0.15) ? `Unit ${rng.range(1, 40)}` : "";
    case "DE":
      return "";
    case "FR":
      return rng.chance(0.1) ? `Appartement ${rng.range(1, 60)}` : "";
  }
}

function houseNumber(rng: Rng, country: Country): string {
  switch (country) {
    case "US":
    case "CA":
      return String(Math.floor(1 + 9998 * rng.next() ** 2));
    case "DE":
      return `${rng.range(1, 150)}${rng.chance(0.05) ? letter(rng, "abc") : ""}`;
    case "FR":
      return `${rng.range(1, 150)}${rng.chance(0.03) ? " bis" : ""}`;
    default:
      return String(rng.range(1, 250));
  }
}

export function makeAddress(rng: Rng, pools: Pools, country: Country, city: City): Address {
  return {
    country,
    number: houseNumber(rng, country),
    street: rng.pick(pools.streets[country]),
    unit: unitFor(rng, country),
    city: city.name,
    region: city.region,
    regionName: city.regionName,
    postcode: postcodeFor(rng, country, city),
    plus4: country === "US" ? rng.digits(4) : "",
  };
}

/** The street line: "123 Main St Apt 4", "Hauptstraße 12", "5/12 George St". */
export function streetLine(address: Address, abbreviate: boolean): string {
  const street = abbreviate ? abbreviateStreet(address.street) : address.street;
  switch (address.country) {
    case "DE":
      return `${street} ${address.number}`;
    case "AU":
      return address.unit === ""
        ? `${address.number} ${street}`
        : `${address.unit.slice(5)}/${address.number} ${street}`;
    case "GB":
      return address.unit === ""
        ? `${address.number} ${street}`
        : `${address.unit}, ${address.number} ${street}`;
    case "FR":
      return address.unit === ""
        ? `${address.number} ${street}`
        : `${address.number} ${street}, ${address.unit}`;
    default:
      return address.unit === ""
        ? `${address.number} ${street}`
        : `${address.number} ${street} ${address.unit}`;
  }
}

/** The city, region and postcode part: "Springfield, IL 62704", "10115 Berlin", "London SW1A 1AA". */
export function localityLine(address: Address, zipPlus4 = false): string {
  switch (address.country) {
    case "US":
      return `${address.city}, ${address.region} ${address.postcode}${zipPlus4 ? `-${address.plus4}` : ""}`;
    case "CA":
      return `${address.city}, ${address.region} ${address.postcode}`;
    case "AU":
      return `${address.city} ${address.region} ${address.postcode}`;
    case "GB":
      return `${address.city} ${address.postcode}`;
    default:
      return `${address.postcode} ${address.city}`;
  }
}

const COUNTRY_IN_ADDRESS: Record<Country, string[]> = {
  US: ["USA", "United States", "US"],
  GB: ["United Kingdom", "UK"],
  CA: ["Canada"],
  AU: ["Australia"],
  DE: ["Germany", "Deutschland"],
  FR: ["France"],
};

/** The whole address on one line, with the country named more often for addresses abroad. */
export function oneLineAddress(rng: Rng, address: Address): string {
  const line = `${streetLine(address, rng.chance(0.6))}, ${localityLine(address, rng.chance(0.08))}`;
  const nameCountry = address.country === "US" ? rng.chance(0.25) : rng.chance(0.85);
  return nameCountry ? `${line}, ${rng.pick(COUNTRY_IN_ADDRESS[address.country])}` : line;
}

export function sameAddress(a: Address, b: Address): boolean {
  return a.number === b.number && a.street === b.street && a.postcode === b.postcode && a.unit === b.unit;
}
