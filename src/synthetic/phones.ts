import { type City, type Country, countryInfo } from "./countries.js";
import type { Rng } from "./prng.js";

/**
 * Telephone numbers of the synthetic population: plausible (real area codes and lengths, so that a phone
 * library accepts them) and written the many ways people and systems write them.
 */

export interface Phone {
  country: Country;
  /** The national significant number: digits without the country code or the trunk 0. */
  national: string;
  /** How many leading digits of `national` are the area code (or mobile prefix), for grouping. */
  areaLength: number;
  mobile: boolean;
}

function nanpNumber(rng: Rng, areaCodes: readonly string[]): string {
  const area = rng.pick(areaCodes);
  let exchange: string;
  do {
    exchange = `${rng.range(2, 9)}${rng.int(10)}${rng.int(10)}`;
  } while (exchange.endsWith("11") || exchange === "555" || exchange === "950" || exchange === "958");
  return `${area}${exchange}${rng.digits(4)}`;
}

export function landline(rng: Rng, country: Country, city: City): Phone {
  if (country === "US" || country === "CA") {
    return { country, national: nanpNumber(rng, city.areaCodes), areaLength: 3, mobile: false };
  }
  const area = rng.pick(city.areaCodes);
  const total = country === "FR" || country === "AU" ? 9 : 10;
  const first = country === "GB" && area === "20" ? rng.pick(["3", "7", "8"]) : String(rng.range(2, 9));
  const rest = first + rng.digits(total - area.length - 1);
  return { country, national: area + rest, areaLength: area.length, mobile: false };
}

export function mobile(rng: Rng, country: Country, city: City): Phone {
  if (country === "US" || country === "CA") {
    return { country, national: nanpNumber(rng, city.areaCodes), areaLength: 3, mobile: true };
  }
  const [prefix, digits] = rng.pick(countryInfo[country].mobilePrefixes);
  const national = prefix + rng.digits(digits);
  const areaLength = country === "GB" ? 4 : country === "AU" ? 3 : prefix.length;
  return { country, national, areaLength, mobile: true };
}

export function e164(phone: Phone): string {
  return `+${countryInfo[phone.country].dialCode}${phone.national}`;
}

function groupRest(phone: Phone, rest: string): string {
  switch (phone.country) {
    case "GB":
      if (rest.length === 8) return `${rest.slice(0, 4)} ${rest.slice(4)}`;
      if (rest.length === 7) return `${rest.slice(0, 3)} ${rest.slice(3)}`;
      return rest;
    case "AU":
      return phone.mobile ? `${rest.slice(0, 3)} ${rest.slice(3)}` : `${rest.slice(0, 4)} ${rest.slice(4)}`;
    default:
      return rest;
  }
}

function pairs(digits: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < digits.length; i += 2) out.push(digits.slice(i, i + 2));
  return out;
}

/** The phone written in one of the ways common in its country, chosen at random with realistic weights. */
export function formatPhone(rng: Rng, phone: Phone): string {
  const n = phone.national;
  const cc = countryInfo[phone.country].dialCode;
  switch (phone.country) {
    case "US":
    case "CA": {
      const a = n.slice(0, 3);
      const b = n.slice(3, 6);
      const c = n.slice(6);
      switch (rng.weighted([0, 1, 2, 3, 4, 5, 6, 7, 8], [30, 25, 6, 12, 6, 10, 4, 4, 3])) {
        case 0:
          return `(${a}) ${b}-${c}`;
        case 1:
          return `${a}-${b}-${c}`;
        case 2:
          return `${a}.${b}.${c}`;
        case 3:
          return n;
        case 4:
          return `+1 ${a}-${b}-${c}`;
        case 5:
          return `+1${n}`;
        case 6:
          return `1-${a}-${b}-${c}`;
        case 7:
          return `+1 (${a}) ${b}-${c}`;
        default:
          return `${a} ${b} ${c}`;
      }
    }
    case "FR": {
      const p = pairs(`0${n}`);
      switch (rng.weighted([0, 1, 2, 3, 4], [45, 20, 15, 10, 10])) {
        case 0:
          return p.join(" ");
        case 1:
          return `+33 ${n[0]} ${pairs(n.slice(1)).join(" ")}`;
        case 2:
          return `0${n}`;
        case 3:
          return p.join(".");
        default:
          return `+33${n}`;
      }
    }
    default: {
      const area = n.slice(0, phone.areaLength);
      const rest = groupRest(phone, n.slice(phone.areaLength));
      const local = phone.country === "AU" && !phone.mobile ? `(0${area}) ${rest}` : `0${area} ${rest}`;
      switch (rng.weighted([0, 1, 2, 3, 4, 5], [45, 18, 10, 12, 10, 5])) {
        case 0:
          return local;
        case 1:
          return `+${cc} ${area} ${rest}`;
        case 2:
          return phone.country === "AU" ? `0${area} ${rest}` : `+${cc} (0)${area} ${rest}`;
        case 3:
          return `0${n}`;
        case 4:
          return `+${cc}${n}`;
        default:
          return phone.country === "DE" ? `0${area}/${n.slice(phone.areaLength)}` : `0${area}-${rest}`;
      }
    }
  }
}

/** Numbers people type into forms when they do not want to give theirs. */
export const placeholderPhones = [
  "555-555-5555",
  "1234567890",
  "000-000-0000",
  "(999) 999-9999",
  "123-456-7890",
  "0000000000",
  "1111111111",
  "+1 555 0100",
];
