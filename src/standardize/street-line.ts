import { fold } from "./fold.js";
import { hasStreetType, isTrailingStreetType, numberFollowsStreet } from "./street-types.js";

/**
 * One street line (lower case, accents folded, punctuation kept): PO boxes and private bags, units ("Apt 4",
 * "Flat 2", "#12", "Unit 3/12"), levels ("Level 5", "3rd floor"), the house number (before the street, or
 * after it in the countries where that is the custom: "Hauptstraße 5", "Via Roma 10") and what is left, the
 * street. Types are not expanded here.
 */

export interface StreetLine {
  streetNumber: string | null;
  street: string | null;
  unit: string | null;
  level: string | null;
  poBox: boolean;
  /** Something street-like was found: a number, a unit, a PO box or a street type. */
  recognised: boolean;
}

const UNIT_MARKERS =
  "apartment|apartamento|appartement|apto|appt|apt|app|unit|flat|suite|ste|shop|room|rm|villa|townhouse|lot|wohnung|whg|dpto|depto|departamento|u";
/** Markers that are also words or abbreviations of something else: their unit must hold a digit. */
const WEAK_UNIT_MARKERS = new Set(["ste", "app", "rm", "u", "lot"]);
const UNIT_RE = new RegExp(
  `(?:^|[\\s,])(${UNIT_MARKERS})\\.?\\s*(?:#|no\\.?|number|nr\\.?)?\\s*([a-z]?\\d+[a-z]?(?:-\\d+[a-z]?)?|[a-z])(?=$|[\\s,/])`,
);
const HASH_UNIT_RE = /(?:^|[\s,])#\s*([a-z0-9]+(?:-[a-z0-9]+)?)(?=$|[\s,])/;
const LEVEL_RE =
  /(?:^|[\s,])(?:level|lvl|lv|floor|flr|fl|etage|stock|og|piso|planta|piano)\.?\s*(\d+|g|ground|[a-z])(?=$|[\s,])/;
const ORDINAL_LEVEL_RE =
  /(?:^|[\s,])(\d+)\s*(?:st|nd|rd|th|e|eme|er|\.)?\s*(?:floor|flr|fl|etage|stock|og|piso|planta|piano)(?=$|[\s,])/;
const SLASH_UNIT_RE =
  /^(?:(?:unit|u|apt|flat|shop|suite|villa|townhouse)\.?\s*)?([a-z]?\d+[a-z]?)\s*\/\s*(\d+[a-z]?(?:\s*-\s*\d+[a-z]?)?)\s+(?=\p{L})/u;
const PO_BOX_RE =
  /(?:^|[\s,])(locked\s*bag|private\s*bag|p\s*\.?\s*o\s*\.?\s*box|post\s*office\s*box|gpo\s*box|p\.?\s*o\.?\s*b\.?|pob|postfach|boite\s*postale|b\.\s*p\.|bp|apartado(?:\s*de\s*correos)?|apdo\.?|casilla(?:\s*de\s*correos?)?|caixa\s*postal|cx\.?\s*postal|postbus|postboks|box)\s*(?:no\.?|#|nr\.?)?\s*(\d+[a-z]?)(?=$|[\s,])/;
const LEADING_NUMBER_RE =
  /^(?:no\.?\s*|nr\.?\s*|#\s*)?(\d+[a-z]?(?:\s*[-–]\s*\d+[a-z]?)?(?:\s+(?:bis|ter|quater))?)(?=[\s,]|$)[\s,]*/;
const TRAILING_NUMBER_RE =
  /[\s,]+(?:no\.?\s*|nr\.?\s*|n[°º]\s*)?(\d+[a-z]?(?:\s*[-–/]\s*\d+[a-z]?)?(?:\s+(?:bis|ter))?)$/;
/** Italian "P.za", "V.le", "C.so": glue the abbreviation before folding splits it. */
const DOTTED_ABBREVIATION = /\b([a-z])\.(za|le|so|go|lo|tta)\b/g;

function orNull(text: string): string | null {
  return text === "" ? null : text;
}

/** Cut `[start, end)` out of a text and tidy the seams. */
export function cut(text: string, start: number, end: number): string {
  return `${text.slice(0, start)} ${text.slice(end)}`.replace(/\s+/g, " ").replace(/^[\s,]+|[\s,]+$/g, "");
}

/** Parse one street line (lower-case, punctuation kept): PO box, unit, level, house number, street. */
export function parseStreetLine(input: string, country: string | null): StreetLine {
  let text = input.replace(DOTTED_ABBREVIATION, "$1$2");
  const line: StreetLine = {
    streetNumber: null,
    street: null,
    unit: null,
    level: null,
    poBox: false,
    recognised: false,
  };

  const poBox = PO_BOX_RE.exec(text);
  if (poBox !== null) {
    const kind = poBox[1]!.replace(/\s+/g, " ");
    const prefix = kind.startsWith("locked")
      ? "locked bag"
      : kind.startsWith("private")
        ? "private bag"
        : "po box";
    line.street = `${prefix} ${poBox[2]}`;
    line.poBox = true;
    line.recognised = true;
    return line;
  }

  const slash = SLASH_UNIT_RE.exec(text);
  if (slash !== null) {
    line.unit = slash[1]!;
    line.streetNumber = slash[2]!.replace(/\s+/g, "");
    text = text.slice(slash[0].length);
    line.recognised = true;
  } else {
    const unit = UNIT_RE.exec(text);
    if (unit !== null && !(WEAK_UNIT_MARKERS.has(unit[1]!) && !/\d/.test(unit[2]!))) {
      line.unit = unit[1] === "lot" ? `lot ${unit[2]}` : unit[2]!;
      text = cut(text, unit.index, unit.index + unit[0].length);
      line.recognised = true;
    } else {
      const hash = HASH_UNIT_RE.exec(text);
      if (hash !== null) {
        line.unit = hash[1]!;
        text = cut(text, hash.index, hash.index + hash[0].length);
        line.recognised = true;
      }
    }
  }
  const level = ORDINAL_LEVEL_RE.exec(text) ?? LEVEL_RE.exec(text);
  if (level !== null) {
    const value = level[1] === "ground" || level[1] === "g" ? "0" : level[1]!;
    line.level = `level ${value}`;
    text = cut(text, level.index, level.index + level[0].length);
    line.recognised = true;
  }

  if (line.streetNumber === null) {
    const after = numberFollowsStreet(country);
    const trailing = (): boolean => {
      const m = TRAILING_NUMBER_RE.exec(text);
      if (m === null || m.index === 0) return false;
      const before = text.slice(0, m.index);
      // English "Highway 1" keeps its number; "Smith St 12" gives it up.
      if (!after && country !== null) {
        const words = fold(before).split(" ");
        if (words.length < 2 || !isTrailingStreetType(words[words.length - 1]!)) return false;
      }
      line.streetNumber = m[1]!.replace(/\s*([-–/])\s*/g, "$1");
      text = before;
      return true;
    };
    const leading = (): boolean => {
      const m = LEADING_NUMBER_RE.exec(text);
      if (m === null) return false;
      line.streetNumber = m[1]!.replace(/\s*[-–]\s*/g, "-");
      text = text.slice(m[0].length);
      return true;
    };
    if (after) {
      if (!trailing()) leading();
    } else if (!leading()) trailing();
    if (line.streetNumber !== null) line.recognised = true;
  }

  const street = fold(text);
  line.street = orNull(street);
  if (line.street !== null && hasStreetType(line.street, country)) line.recognised = true;
  return line;
}

/** A parsed line that holds only a unit or level ("Flat 2", "Suite 300", "Level 5"). */
export function isUnitOnly(line: StreetLine): boolean {
  return (
    !line.poBox &&
    line.streetNumber === null &&
    line.street === null &&
    (line.unit !== null || line.level !== null)
  );
}

export function unitOnly(text: string, country: string | null): StreetLine | null {
  const parsed = parseStreetLine(text, country);
  return isUnitOnly(parsed) ? parsed : null;
}

export function looksLikeStreet(line: StreetLine, country: string | null): boolean {
  return (
    line.poBox || line.streetNumber !== null || (line.street !== null && hasStreetType(line.street, country))
  );
}
