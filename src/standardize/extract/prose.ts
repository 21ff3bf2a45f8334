import { boundedMemo } from "../memo.js";

/**
 * Where the NLP steps (compromise, franc, wink-nlp) should look, decided cheaply. Each costs a fixed
 * fraction of a millisecond per call and more per word, so on an import they run only where they can find
 * something, on at most `maxNlpChars` of a text, and once per distinct short text.
 */

/** The NLP steps read at most this much of a text: an e-mail's prose, not a pasted log. */
export const maxNlpChars = 5_000;

/** Texts up to this long are remembered with what the NLP steps found in them (bios and subjects repeat). */
const memoChars = 1_000;

/**
 * `fn` remembered per distinct text (the texts up to `memoChars` long; longer ones rarely repeat and would
 * fill the memo). Results are frozen and shared.
 */
export function memoByText<R>(fn: (text: string) => R, max = 10_000): (text: string) => R {
  const memo = boundedMemo(fn, (text: string) => text, max);
  return (text) => (text.length <= memoChars ? memo(text) : fn(text));
}

// A word: a run of what is not whitespace.
const WORD = /\S+/g;
// Leading quotes, brackets and symbols ("📍", "(", "«") before a word's first letter.
const LEAD = /^[^\p{L}\p{N}]+/u;
const TRAIL = /[^\p{L}\p{N}]+$/u;
const CAPITALISED = /^\p{Lu}/u;
const HAS_DIGIT = /\p{N}/u;
// "I", "I'm", "I'll": capitalised, but never a name.
const PRONOUN_I = /^I(?:['’](?:m|ll|ve|d))?[^\p{L}]*$/u;
// Punctuation that ends a sentence, with any closing quotes or brackets after it.
const SENTENCE_END = /[.!?…]+["'’”)\]]*$/u;
// Words whose full stop does not end the sentence: an initial ("J."), a title ("Dr."), "St.".
const ABBREVIATION =
  /^(?:\p{L}|mr|mrs|ms|mx|dr|prof|st|mt|ft|sr|jr|rev|gen|capt|sgt|lt|col|hon|ave|rd|no|vs|etc|inc|co|corp|ltd)\.$/iu;
// Punctuation after a word that ends a name: "Hi Maria, Jasmine Park here", "Miami; Boston".
const CLAUSE_END = /[,;:]["'’”)\]]*$/u;
// Capitalised words that begin sentences and greetings, never a name's part: "Hi Jordan", "Thank You".
const FUNCTION_WORDS = new Set(
  (
    "hi hello hey dear thanks thank good morning afternoon evening yes no ok okay please sorry my the this " +
    "that these those our your we you he she it they is are was can could would will do does did and but " +
    "so also just a an any hope happy best kind regards cheers what when where why how who if"
  ).split(" "),
);

function endsSentence(word: string): boolean {
  return SENTENCE_END.test(word) && !ABBREVIATION.test(word.replace(LEAD, ""));
}

function isNameWord(word: string): boolean {
  const core = word.replace(LEAD, "");
  if (!CAPITALISED.test(core) || HAS_DIGIT.test(core) || PRONOUN_I.test(core)) return false;
  return !FUNCTION_WORDS.has(core.replace(/[^\p{L}'’-]+$/u, "").toLowerCase());
}

/**
 * The text with only the sentences that may name someone or somewhere compromise would find and the rules
 * have not, every other character but line breaks blanked to a space (so that offsets into it are offsets
 * into the text); null when there is none. Such a sentence holds a run of two or more capitalised words
 * ("Mallory Moore", "San Antonio", "Rau Group", "Mr. Smith") that is not all inside a span the rules have
 * read already (`read`: "Jane Doe here", an e-mail) nor a phrase `known` otherwise ("San Antonio"). A lone capitalised word, the first of a sentence or
 * an item in a list ("Gamer | Hiker"), a word with digits ("ORD-0042") and greetings ("Hi Jordan") make no
 * run; runs end at a line break, a comma or a sentence's end. Only the first `maxNlpChars` are read.
 */
export function namingSentences(
  text: string,
  read: readonly { start: number; end: number }[] = [],
  known: (phrase: string) => boolean = () => false,
): string | null {
  const scope = text.length > maxNlpChars ? text.slice(0, maxNlpChars) : text;
  const kept: [number, number][] = [];
  let sentenceStart = 0;
  let keep = false;
  let previousEnd = 0;
  // The run of capitalised words the current word may continue: its length and where it starts.
  let run = 0;
  let runStart = 0;
  const close = (end: number) => {
    if (keep) kept.push([sentenceStart, end]);
    keep = false;
  };
  const isRead = (start: number, end: number) => read.some((r) => r.start <= start && end <= r.end);
  for (const m of scope.matchAll(WORD)) {
    const word = m[0];
    const start = m.index;
    // compromise reads every line as a sentence of its own.
    if (sentenceStart < previousEnd && scope.slice(previousEnd, start).includes("\n")) {
      close(previousEnd);
      sentenceStart = start;
      run = 0;
    }
    const end = start + word.length;
    if (isNameWord(word)) {
      // The run's span without the quotes and punctuation around it, as the rules' spans are.
      if (run === 0) runStart = start + (LEAD.exec(word)?.[0].length ?? 0);
      run++;
      const runEnd = end - (TRAIL.exec(word)?.[0].length ?? 0);
      if (run >= 2 && !keep && !isRead(runStart, runEnd) && !known(scope.slice(runStart, runEnd)))
        keep = true;
    } else {
      run = 0;
    }
    previousEnd = end;
    if (CLAUSE_END.test(word)) run = 0;
    if (endsSentence(word)) {
      close(previousEnd);
      sentenceStart = previousEnd;
      run = 0;
    }
  }
  close(scope.length);
  if (kept.length === 0) return null;
  let out = "";
  let at = 0;
  for (const [start, end] of kept) {
    out += blank(scope.slice(at, start)) + scope.slice(start, end);
    at = end;
  }
  return out + blank(scope.slice(at));
}

function blank(s: string): string {
  return s.replace(/[^\n]/g, " ");
}

/** Whether a text has at least `n` digits: the fewest a phone number can be written with is 7 ("+683 4002"). */
export function hasDigits(text: string, n: number): boolean {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 48 && c <= 57) || (c > 127 && /\p{Nd}/u.test(text[i] as string))) {
      if (++count >= n) return true;
    }
  }
  return false;
}
