/**
 * The place a profile's free-text location field names ("Shreveport, LA", "📍 Leeds", "Lyon, France"):
 * a city and, after a comma, a region or country. Only capitalised words are taken, so "the internet",
 * "wherever the trail goes" or "home" name no place; a few capitalised non-places ("Earth", "Worldwide")
 * are refused by name.
 */

export interface Location {
  city: string;
  region: string | null;
  start: number;
  end: number;
}

const WORD = "[\\p{Lu}][\\p{L}'’.-]*";
const PLACE = new RegExp(
  `^(?<lead>[^\\p{L}]*)(?<city>${WORD}(?:[ -]${WORD}|[ -](?:upon|on|de|del|la|le|am|en|sur)[ -]${WORD}){0,3})(?:,\\s*(?<region>${WORD}(?: ${WORD}){0,2}|[A-Z]{2,3}))?[^\\p{L}\\p{N}]*$`,
  "u",
);

const NOT_PLACES = new Set([
  "earth",
  "planet earth",
  "worldwide",
  "everywhere",
  "anywhere",
  "somewhere",
  "nowhere",
  "home",
  "internet",
  "the internet",
  "online",
  "remote",
  "global",
  "world",
  "the world",
  "space",
  "the moon",
  "here",
  "there",
]);

/** The place a location field names, or null when it names none. */
export function findLocation(text: string): Location | null {
  if (text.length > 80) return null;
  const m = PLACE.exec(text.trim());
  if (m?.groups === undefined) return null;
  const city = m.groups.city as string;
  if (NOT_PLACES.has(city.toLowerCase())) return null;
  const offset = text.length - text.trimStart().length;
  const lead = (m.groups.lead as string).length;
  const region = m.groups.region ?? null;
  const start = offset + lead;
  const end =
    region === null
      ? start + city.length
      : offset + text.trim().indexOf(region, lead + city.length) + region.length;
  return { city, region, start, end };
}
