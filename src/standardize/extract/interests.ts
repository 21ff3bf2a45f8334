import { type Interest, interestTaxonomy } from "./taxonomy.js";

export interface InterestMatch {
  interest: string;
  start: number;
  end: number;
  text: string;
}

interface CompiledTerm {
  interest: string;
  pattern: RegExp;
  /** The term's first word in lower case: a text without it cannot match, and `includes` is cheap. */
  needle: string;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Each term as a case-insensitive whole-word pattern; `*` ends a prefix. */
export function compileTaxonomy(taxonomy: readonly Interest[]): CompiledTerm[] {
  const out: CompiledTerm[] = [];
  for (const interest of taxonomy) {
    for (const term of interest.terms) {
      const prefix = term.endsWith("*");
      const body = escapeRegExp(prefix ? term.slice(0, -1) : term).replace(/ /g, "\\s+");
      const wordy = /\w/.test(term);
      const source = wordy
        ? `(?<![\\p{L}\\p{N}])${body}${prefix ? "[\\p{L}]*" : "(?![\\p{L}\\p{N}])"}`
        : body;
      const needle = (prefix ? term.slice(0, -1) : term).split(" ")[0] as string;
      out.push({ interest: interest.id, pattern: new RegExp(source, "giu"), needle });
    }
  }
  return out;
}

const compiled = compileTaxonomy(interestTaxonomy);

/**
 * Interests of our taxonomy a text mentions, each with the span of its first mention; an interest is
 * given once however often it is mentioned.
 */
export function findInterests(text: string, terms: readonly CompiledTerm[] = compiled): InterestMatch[] {
  const first = new Map<string, InterestMatch>();
  const lower = text.toLowerCase();
  for (const { interest, pattern, needle } of terms) {
    if (!lower.includes(needle)) continue;
    pattern.lastIndex = 0;
    const m = pattern.exec(text);
    if (m === null) continue;
    const seen = first.get(interest);
    if (seen === undefined || m.index < seen.start) {
      first.set(interest, { interest, start: m.index, end: m.index + m[0].length, text: m[0] });
    }
  }
  return [...first.values()].sort((a, b) => a.start - b.start);
}
