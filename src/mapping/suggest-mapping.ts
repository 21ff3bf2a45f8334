import type { SourceMappingInput } from "../model/mapping.js";
import { formatPath, leaves } from "./json-path.js";

/**
 * Proposes a mapping for a file nobody has described yet, from its column names and a sample of its
 * values. Names are matched against the ways CRM, e-commerce and form tools commonly spell each field;
 * values are sniffed where names say nothing (a column of emails called "contact").
 */

export interface ColumnSuggestion {
  source: string;
  target: string | null;
  confidence: number;
  why: string;
  examples: string[];
}

export interface MappingSuggestion {
  mapping: SourceMappingInput;
  columns: ColumnSuggestion[];
}

// Specific identifiers come before the generic record id, so that "user_id" is an identifier, not the key.
const byName: [RegExp, string][] = [
  [
    /^(updated|modified|changed|last_?modified|observed|submitted|created|timestamp|event_?time|received)(_?at|_?on|_?date|_?time)?$|^(timestamp|date_modified)$/,
    "observedAt",
  ],
  // The rows of the document readers (e-mail, visits, conversations): see docs/sources.md.
  [/^(date|sent_?at|started_?at|start_?time)$/, "observedAt"],
  [/^(from_?name|sender_?name|customer_?name|visitor_?name|caller_?name)$/, "name.full"],
  [/^(from_?address|sender_?address)$/, "email"],
  [/^(order_?ids|order_?numbers)$/, "identifier:order_id"],
  [/^(session_?id|conversation_?id|chat_?id|call_?id|ticket_?id)$/, "id"],
  [/^(subject|customer_?text)$/, "text:$name"],
  [/^(title|salutation|honorific|prefix)$/, "name.title"],
  [/^(first|given|fore|f)_?names?$|^(first|given|forename|fname|firstname|givenname)$/, "name.given"],
  [/^(middle|second)_?names?$|^(middle|middle_?initial|mi)$/, "name.middle"],
  [/^(last|family|sur|l)_?names?$|^(last|surname|lname|lastname|familyname)$/, "name.family"],
  [/^(full_?|display_?|customer_?|contact_?|person_?)?name$/, "name.full"],
  [/^(suffix|name_?suffix|generation)$/, "name.suffix"],
  [/e_?mail/, "email"],
  [/mobile|cell/, "phone:mobile"],
  [/phone|tel(ephone)?|fax|contact_?number/, "phone"],
  [/^(street_?(number|no|num)|house_?(number|no|num)|building_?number)$/, "address.streetNumber"],
  [/^(street_?name|road_?name)$/, "address.street"],
  [
    /^(address_?1|address_?line_?1|addr1|line_?1|street_?address|street|street_?line|address)$/,
    "address.line1",
  ],
  [/^(address_?2|address_?line_?2|addr2|line_?2)$/, "address.line2"],
  [/^(apt|apartment|unit|suite|flat)$/, "address.unit"],
  [/^(suburb|locality|district|neighbou?rhood)$/, "address.locality"],
  [/^(city|town|municipality)$/, "address.city"],
  [/^(state|province|region|county|st)$/, "address.region"],
  [/^(zip|zip_?code|post_?code|postal_?code|plz|cp|pin_?code)$/, "address.postcode"],
  [/^(country|country_?code|nation)$/, "address.country"],
  [/^(shipping|billing|full|mailing|home)_?address$/, "address.full"],
  [/(date_?of_?birth|birth_?date|dob|birthday|born)/, "dateOfBirth"],
  [/^(gender|sex)$/, "gender"],
  [/^(user_?id|userid)$/, "identifier:user_id"],
  [/^(anonymous_?id|anon_?id)$/, "identifier:anonymous_id"],
  [/^(device_?id|idfa|gaid|advertising_?id|device_advertising_?id)$/, "identifier:device_id"],
  [/^(cookie|cookie_?id|ga_?client_?id)$/, "identifier:cookie"],
  [/(loyalty|membership|card)_?(number|no|id)?$/, "identifier:loyalty_number"],
  [/^(handle|username|screen_?name|twitter|instagram)$/, "identifier:social_handle"],
  [/(soc_?sec|ssn|national_?id|social_?security|passport|nin)/, "identifier:national_id"],
  [/^(ip|ip_?address|client_?ip)$/, "identifier:ip_address"],
  [/^(order_?id|order_?number|order_?no)$/, "identifier:order_id"],
  [
    /^(rec(ord)?|row|customer|cust|client|contact|person|member|account|user|subscriber|submission|message|profile)?_?(id|key|no|number|num)$|^(unique_id|uid|uuid|guid|rec_id|message_?id)$/,
    "id",
  ],
  [/^(notes?|comments?|bio|description|message|body|text)$/, "text:$name"],
];

const emailValue = /^[^\s@]+@[^\s@]+\.[a-z]{2,}$/i;
const phoneValue = /^(?=(?:\D*\d){10,15}\D*$)\+?[\d\s().-]{10,22}$/;
const dateValue = /^(\d{4}-\d{2}-\d{2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|(19|20)\d{6})$/;
const uuidValue = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ipValue = /^(\d{1,3}\.){3}\d{1,3}$/;

function normalizeHeader(name: string): string {
  return name
    .trim()
    .replace(/([a-z])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_|_$/g, "");
}

function share(values: string[], test: RegExp): number {
  if (values.length === 0) return 0;
  return values.filter((v) => test.test(v)).length / values.length;
}

export function suggestMapping(
  sample: { columns: string[]; rows: Record<string, unknown>[] },
  source: string,
  options: { defaultCountry?: string } = {},
): MappingSuggestion {
  const values = new Map<string, string[]>();
  // Columns in the file's own order; nested JSON paths where their top-level key stands.
  const order: string[] = [];
  const position = new Map(sample.columns.map((c, i) => [c, i]));
  for (const row of sample.rows) {
    for (const [path, value] of leaves(row)) {
      const key = formatPath(path);
      if (!values.has(key)) {
        values.set(key, []);
        order.push(key);
      }
      if (value !== null && value !== undefined && value !== "") {
        values.get(key)?.push(Array.isArray(value) ? JSON.stringify(value) : String(value));
      }
    }
  }
  for (const column of sample.columns) {
    if (!values.has(column) && !order.some((k) => k.startsWith(`$.${column}.`))) {
      values.set(column, []);
      order.push(column);
    }
  }
  const rank = (key: string) =>
    position.get(key.startsWith("$.") ? (key.split(".")[1] as string) : key) ?? order.length;
  order.sort((a, b) => rank(a) - rank(b));

  const columns: ColumnSuggestion[] = [];
  const taken = new Set<string>();
  for (const source of order) {
    const examples = (values.get(source) ?? []).slice(0, 200);
    const suggestion = suggestNested(source, examples);
    const header = normalizeHeader(source.startsWith("$.") ? source.slice(2) : source);
    if (suggestion.target && ["id", "observedAt", "dateOfBirth", "gender"].includes(suggestion.target)) {
      if (taken.has(suggestion.target)) {
        suggestion.why = `another column already maps to ${suggestion.target}; kept as extra`;
        suggestion.target = `extra:${header}`;
        suggestion.confidence = 0.3;
      }
      taken.add(suggestion.target ?? "");
    }
    columns.push({ ...suggestion, examples: examples.slice(0, 3) });
  }

  const fields: Record<string, string> = {};
  for (const c of columns) if (c.target) fields[c.source] = c.target;
  const mapping: SourceMappingInput = { source, fields };
  if (options.defaultCountry) mapping.defaultCountry = options.defaultCountry;
  return { mapping, columns };
}

/** Containers whose fields describe the person themself (Segment traits, a form, a customer object). */
const personContainers =
  /^(traits|form|user|customer|contact|profile|person|identity|member|subscriber|billing|shipping|address)$/;

/**
 * A nested field is read by where it sits: inside a person container its own name counts ("$.traits.email");
 * elsewhere the last two names together do ("$.context.device.id" → device_id), and the field's own name
 * only for identifiers and contact points, so that "$.context.app.name" is not taken for a person's name.
 */
function suggestNested(source: string, examples: string[]): Omit<ColumnSuggestion, "examples"> {
  if (!source.startsWith("$.")) return suggestColumn(source, normalizeHeader(source), examples);
  const path = source.slice(2).split(".");
  const leaf = normalizeHeader(path[path.length - 1] as string);
  const parent = normalizeHeader(path[path.length - 2] ?? "");
  if (personContainers.test(parent)) return suggestColumn(source, leaf, examples);
  const pair = suggestColumn(source, `${parent}_${leaf}`, examples);
  if (pair.target && !pair.target.startsWith("extra:")) return pair;
  const own = suggestColumn(source, leaf, examples);
  if (own.target && /^(identifier:|email|phone|observedAt)/.test(own.target)) return own;
  return {
    source,
    target: `extra:${normalizeHeader(path.join("_"))}`,
    confidence: 0.2,
    why: "not a person attribute here; kept as extra",
  };
}

function suggestColumn(
  source: string,
  header: string,
  examples: string[],
): Omit<ColumnSuggestion, "examples"> {
  for (const [pattern, target] of byName) {
    if (pattern.test(header)) {
      const resolved = target === "text:$name" ? `text:${header}` : target;
      // A name alone can mislead ("contact" holding phones); the values have the last word when clear.
      const sniffed = sniff(examples);
      const decisive = sniffed?.target === "email";
      if (sniffed && decisive && sniffed.confidence >= 0.9 && !sameFamily(sniffed.target, resolved)) {
        return { source, ...sniffed, why: `${sniffed.why}, although the name suggests ${resolved}` };
      }
      return { source, target: resolved, confidence: 0.9, why: `the column name "${header}"` };
    }
  }
  const sniffed = sniff(examples);
  if (sniffed) return { source, ...sniffed };
  if (examples.length === 0) return { source, target: null, confidence: 0, why: "no values in the sample" };
  return { source, target: `extra:${header}`, confidence: 0.2, why: "not recognised; kept as extra" };
}

function sameFamily(a: string, b: string): boolean {
  return a.split(/[:.]/)[0] === b.split(/[:.]/)[0];
}

function sniff(examples: string[]): { target: string; confidence: number; why: string } | null {
  if (examples.length === 0) return null;
  const tests: [RegExp, string, string][] = [
    [emailValue, "email", "values look like email addresses"],
    [uuidValue, "identifier:anonymous_id", "values are UUIDs"],
    [ipValue, "identifier:ip_address", "values are IPv4 addresses"],
    [dateValue, "dateOfBirth", "values look like dates"],
    [phoneValue, "phone", "values look like phone numbers"],
  ];
  for (const [test, target, why] of tests) {
    const s = share(examples, test);
    if (target === "dateOfBirth" && s >= 0.8 && !looksLikeBirthDates(examples)) continue;
    if (s >= 0.8) return { target, confidence: Math.min(0.95, s), why: `${Math.round(s * 100)}% of ${why}` };
  }
  return null;
}

/** Dates that are mostly more than twelve years old read as birth dates; recent ones are event times. */
function looksLikeBirthDates(examples: string[]): boolean {
  const limit = new Date().getUTCFullYear() - 12;
  const years = examples
    .map((e) => /(19|20)\d\d/.exec(e)?.[0])
    .filter((y): y is string => y !== undefined)
    .map(Number);
  return years.length > 0 && years.filter((y) => y <= limit).length / years.length >= 0.8;
}
