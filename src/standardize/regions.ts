import { fold } from "./fold.js";

/**
 * States, territories and provinces of the countries whose addresses customarily carry an abbreviated
 * region (US, Australia, Canada): the name or abbreviation becomes the lower-case postal abbreviation
 * ("New South Wales" → "nsw", "Calif." → "ca", "Québec" → "qc"). Other countries' regions are only folded.
 */

// abbreviation:name|alias|…
const US = `al:alabama|ala;ak:alaska;az:arizona|ariz;ar:arkansas|ark;ca:california|calif|cal;co:colorado|colo;
ct:connecticut|conn;de:delaware|del;dc:district of columbia|washington dc|washington d c;fl:florida|fla;ga:georgia;
hi:hawaii;id:idaho;il:illinois|ill;in:indiana|ind;ia:iowa;ks:kansas|kan|kans;ky:kentucky;la:louisiana;me:maine;
md:maryland;ma:massachusetts|mass;mi:michigan|mich;mn:minnesota|minn;ms:mississippi|miss;mo:missouri;
mt:montana|mont;ne:nebraska|neb|nebr;nv:nevada|nev;nh:new hampshire;nj:new jersey;nm:new mexico;ny:new york;
nc:north carolina;nd:north dakota;oh:ohio;ok:oklahoma|okla;or:oregon|ore;pa:pennsylvania|penn|penna;
ri:rhode island;sc:south carolina;sd:south dakota;tn:tennessee|tenn;tx:texas|tex;ut:utah;vt:vermont;va:virginia;
wa:washington|wash;wv:west virginia;wi:wisconsin|wis|wisc;wy:wyoming|wyo;as:american samoa;gu:guam;
mp:northern mariana islands;pr:puerto rico;vi:virgin islands|us virgin islands;
um:united states minor outlying islands;aa:armed forces americas;ae:armed forces europe;ap:armed forces pacific`;

const AU = `nsw:new south wales;vic:victoria;qld:queensland;wa:western australia;sa:south australia;
tas:tasmania;act:australian capital territory;nt:northern territory;jbt:jervis bay territory`;

const CA = `ab:alberta|alta;bc:british columbia|colombie britannique;mb:manitoba|man;
nb:new brunswick|nouveau brunswick;nl:newfoundland and labrador|newfoundland|terre neuve et labrador|nfld|nf;
ns:nova scotia|nouvelle ecosse;nt:northwest territories|territoires du nord ouest|nwt;nu:nunavut;on:ontario|ont;
pe:prince edward island|pei|ile du prince edouard;qc:quebec|que|pq;sk:saskatchewan|sask;yt:yukon|yukon territory`;

function keyOf(text: string): string {
  return fold(text).replaceAll(" ", "");
}

function build(table: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const entry of table.split(";")) {
    const [abbr, names] = entry.trim().split(":") as [string, string];
    map.set(abbr, abbr);
    for (const name of names.split("|")) map.set(keyOf(name), abbr);
  }
  return map;
}

const REGIONS = new Map<string, Map<string, string>>([
  ["US", build(US)],
  ["AU", build(AU)],
  ["CA", build(CA)],
]);

/** The lower-case postal abbreviation of a US state, Australian state or Canadian province, or null. */
export function regionCode(country: string | null, text: string): string | null {
  if (country === null || typeof text !== "string" || text.length > 60) return null;
  const table = REGIONS.get(country);
  if (table === undefined) return null;
  return table.get(keyOf(text)) ?? null;
}

/** Countries whose regions `regionCode` knows. */
export function hasRegionTable(country: string | null): boolean {
  return country !== null && REGIONS.has(country);
}

/** A region standardised for its country: the postal abbreviation where known, else the folded text. */
export function standardizeRegion(country: string | null, text: string): string | null {
  const code = regionCode(country, text);
  if (code !== null) return code;
  const folded = fold(text);
  return folded === "" ? null : folded;
}

/**
 * Australian postcode ranges per state (Australia Post), to spot a postcode and state that disagree.
 * Returns null when the postcode is not a known Australian range.
 */
export function australianStateOfPostcode(postcode: string): string | null {
  if (!/^\d{4}$/.test(postcode)) return null;
  const n = Number(postcode);
  if ((n >= 1000 && n <= 2599) || (n >= 2619 && n <= 2899) || (n >= 2921 && n <= 2999)) return "nsw";
  if ((n >= 200 && n <= 299) || (n >= 2600 && n <= 2618) || (n >= 2900 && n <= 2920)) return "act";
  if ((n >= 3000 && n <= 3999) || (n >= 8000 && n <= 8999)) return "vic";
  if ((n >= 4000 && n <= 4999) || (n >= 9000 && n <= 9999)) return "qld";
  if (n >= 5000 && n <= 5999) return "sa";
  if (n >= 6000 && n <= 6999) return "wa";
  if (n >= 7000 && n <= 7999) return "tas";
  if (n >= 800 && n <= 999) return "nt";
  return null;
}
