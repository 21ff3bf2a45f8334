import { createRequire } from "node:module";
import { fold } from "./fold.js";
import { boundedMemo } from "./memo.js";
import { expandDirection, expandStreet } from "./street-types.js";

/**
 * US street addresses through parse-address (a port of Perl's Geo::StreetAddress::US). The library is
 * CommonJS without types; the shape it returns is declared here.
 */

interface ParsedLocation {
  number?: string;
  prefix?: string;
  street?: string;
  type?: string;
  suffix?: string;
  sec_unit_type?: string;
  sec_unit_num?: string;
  city?: string;
  state?: string;
  zip?: string;
  plus4?: string;
  street1?: string;
  type1?: string;
  street2?: string;
  type2?: string;
}

interface ParseAddress {
  parseLocation(address: string): ParsedLocation | null;
}

const parser = createRequire(import.meta.url)("parse-address") as ParseAddress;

export interface UsAddressParts {
  streetNumber: string | null;
  /** Folded, with type and directions expanded. */
  street: string | null;
  unit: string | null;
  city: string | null;
  state: string | null;
  zip: string | null;
  poBox: boolean;
}

const PO_BOX_TYPE = /box/i;
const MAX_INPUT = 300;

function folded(value: string | undefined): string | null {
  if (value === undefined) return null;
  const f = fold(value);
  return f === "" ? null : f;
}

/**
 * Parse a US address (a street line, or a whole address on one line); null when nothing was recognised.
 * Memoised: parse-address builds regular expressions on every call, and addresses repeat across records.
 */
export const parseUsAddress = boundedMemo(parseUsAddressUncached, (text: string) => text);

function parseUsAddressUncached(text: string): UsAddressParts | null {
  if (typeof text !== "string" || text.trim() === "" || text.length > MAX_INPUT) return null;
  let parsed: ParsedLocation | null;
  try {
    parsed = parser.parseLocation(text);
  } catch {
    return null;
  }
  if (parsed === null || typeof parsed !== "object") return null;
  // Intersections ("Main St & 2nd Ave") come back as street1/street2; each side is expanded on its own.
  const intersection =
    parsed.street1 !== undefined
      ? `${expandStreet(fold(`${parsed.street1} ${parsed.type1 ?? ""}`), "US")} and ${expandStreet(
          fold(`${parsed.street2 ?? ""} ${parsed.type2 ?? ""}`),
          "US",
        )}`
      : null;
  const streetText = [
    parsed.prefix === undefined ? "" : expandDirection(fold(parsed.prefix)),
    parsed.street ?? "",
    parsed.type ?? "",
    parsed.suffix === undefined ? "" : expandDirection(fold(parsed.suffix)),
  ].join(" ");
  const poBox = parsed.sec_unit_type !== undefined && PO_BOX_TYPE.test(parsed.sec_unit_type);
  let street = folded(streetText);
  let unit: string | null = null;
  if (poBox) {
    street = parsed.sec_unit_num === undefined ? "po box" : `po box ${fold(parsed.sec_unit_num)}`;
  } else if (parsed.sec_unit_num !== undefined) {
    unit = folded(parsed.sec_unit_num);
  } else if (parsed.sec_unit_type !== undefined) {
    unit = folded(parsed.sec_unit_type);
  }
  if (intersection !== null) street = intersection;
  else if (street !== null && !poBox) street = expandStreet(street, "US");
  if (street === null && unit === null && parsed.number === undefined) return null;
  return {
    streetNumber: folded(parsed.number),
    street,
    unit,
    city: folded(parsed.city),
    state: folded(parsed.state),
    zip: parsed.zip ?? null,
    poBox,
  };
}
