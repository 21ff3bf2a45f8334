import { fold } from "../../standardize/fold.js";

/**
 * What makes a name not a person's: keyboard mashes and random letters ("asdf qwer", "xkqzv"), placeholder
 * words ("test", "none"), and names people borrow from the famous or the fictional when they do not want to
 * give theirs. Heuristics over letters, not a dictionary of real names, so that rare real names pass: a word is
 * gibberish when it is a known mash, a run along one keyboard row, a repeated letter or chunk, or when its
 * letters are not arranged as names' letters are (too few vowels, a long consonant run).
 */

const MASHES = new Set([
  "asdf",
  "asdfg",
  "asdfgh",
  "qwer",
  "qwert",
  "qwerty",
  "zxcv",
  "zxcvb",
  "hjkl",
  "jkl",
  "sdf",
  "sdfg",
  "dfgh",
  "fgh",
  "ghj",
  "wer",
  "ert",
  "uiop",
  "yxcv",
  "aaa",
  "abc",
  "abcd",
  "xyz",
  "foo",
  "bar",
  "baz",
  "foobar",
  "blah",
  "bla",
  "lol",
  "test",
  "testing",
  "tester",
  "none",
  "na",
  "null",
  "nil",
  "xxx",
  "xx",
  "x",
  "zzz",
  "dummy",
  "fake",
  "sample",
  "example",
  "user",
  "admin",
  "nobody",
  "noname",
  "anon",
  "anonymous",
  "unknown",
  "qqq",
  "www",
  "hhh",
  "jjj",
  "kkk",
  "lll",
  "sss",
  "ddd",
  "fff",
  "ggg",
  "ttt",
  "ppp",
]);

const ROWS = ["qwertyuiop", "asdfghjkl", "zxcvbnm", "1234567890"];
const VOWELS = new Set(["a", "e", "i", "o", "u", "y"]);
/** Consonant clusters names do have (German "sch", "tsch", English "ght", Slavic "szcz" …). */
const CLUSTERS =
  /(tsch|sch|chr|ght|ngst|nst|str|scr|spr|thr|phr|szcz|sz|cz|rz|ck|ch|th|ph|sh|wh|gh|ng|nd|nt|rd|rt|rl|rn|ld|lt)/g;

function keyboardRun(word: string): boolean {
  if (word.length < 3) return false;
  for (const row of ROWS) {
    if (row.includes(word) || [...row].reverse().join("").includes(word)) return true;
  }
  return false;
}

function repeated(word: string): boolean {
  if (/(.)\1\1/.test(word)) return true;
  // "sdfsdf", "ghgh": the word is one chunk written twice or more.
  for (let n = 1; n <= word.length / 2; n++) {
    if (word.length % n !== 0) continue;
    const chunk = word.slice(0, n);
    if (chunk.repeat(word.length / n) === word) return true;
  }
  return false;
}

/** Digits that stand for letters when text was scanned or typed carelessly: "jacks0n", "wa1ker". */
const LOOKALIKE: Record<string, string> = {
  "0": "o",
  "1": "l",
  "3": "e",
  "4": "a",
  "5": "s",
  "7": "t",
  "8": "b",
};

/** True when one folded word does not look like part of a name. */
export function isGibberishWord(word: string): boolean {
  const w = word.replace(/(?<=[a-z])[0134578](?=[a-z])/g, (d) => LOOKALIKE[d] ?? d).replace(/[^a-z]/g, "");
  if (w === "") return false;
  if (MASHES.has(w)) return true;
  if (w.length <= 2) return false;
  if (keyboardRun(w) || repeated(w)) return true;
  const vowels = [...w].filter((c) => VOWELS.has(c)).length;
  if (vowels === 0) return true;
  // Clusters names do have count as one sound; doubled letters as one letter.
  const rest = w.replace(/(.)\1/g, "$1").replace(CLUSTERS, "_");
  if (rest.length >= 5 && vowels / rest.length < 0.2) return true;
  if (/[^aeiouy_]{4,}/.test(rest)) return true;
  // Letters names rarely hold three of in a short word.
  if ((w.match(/[xjqzvk]/g)?.length ?? 0) >= 3 && w.length <= 8) return true;
  return false;
}

/** Digits after the letters of a word ("smith42", "user2024"): what sign-up scripts append. */
export function hasTrailingDigits(part: string): boolean {
  return /[a-z]\d+$/i.test(part.trim()) || /(^|\s)\d+($|\s)/.test(part);
}

export interface NameJudgement {
  gibberishParts: number;
  parts: number;
  digits: boolean;
  celebrity: string | null;
}

export function judgeName(given: string | null, family: string | null): NameJudgement {
  const parts = [given, family].filter((p): p is string => !!p && p.trim() !== "");
  const folded = parts.map((p) => fold(p));
  return {
    gibberishParts: folded.filter((p) => p.split(" ").some(isGibberishWord)).length,
    parts: parts.length,
    digits: parts.some(hasTrailingDigits),
    celebrity: famousName(folded.join(" ")),
  };
}

/**
 * Famous, fictional and placeholder names, folded: characters, entertainers, athletes, leaders and the
 * "John Doe"s of forms. A person may really be called Michael Jordan; the weight of this reason says so.
 */
const FAMOUS = new Set(
  [
    "john doe",
    "jane doe",
    "john smith test",
    "test user",
    "test test",
    "first last",
    "joe bloggs",
    "joe public",
    "john q public",
    "fred bloggs",
    "max mustermann",
    "erika mustermann",
    "jean dupont",
    "mickey mouse",
    "minnie mouse",
    "donald duck",
    "daffy duck",
    "bugs bunny",
    "homer simpson",
    "marge simpson",
    "bart simpson",
    "lisa simpson",
    "peter griffin",
    "harry potter",
    "hermione granger",
    "ron weasley",
    "albus dumbledore",
    "lord voldemort",
    "frodo baggins",
    "bilbo baggins",
    "luke skywalker",
    "darth vader",
    "han solo",
    "leia organa",
    "james bond",
    "sherlock holmes",
    "bruce wayne",
    "clark kent",
    "peter parker",
    "tony stark",
    "steve rogers",
    "diana prince",
    "natasha romanoff",
    "wonder woman",
    "santa claus",
    "easter bunny",
    "tooth fairy",
    "spongebob squarepants",
    "scooby doo",
    "mario mario",
    "super mario",
    "lara croft",
    "taylor swift",
    "beyonce knowles",
    "elvis presley",
    "michael jackson",
    "madonna ciccone",
    "lady gaga",
    "kim kardashian",
    "kanye west",
    "justin bieber",
    "ariana grande",
    "rihanna fenty",
    "katy perry",
    "selena gomez",
    "miley cyrus",
    "britney spears",
    "jennifer lopez",
    "brad pitt",
    "angelina jolie",
    "tom cruise",
    "tom hanks",
    "leonardo dicaprio",
    "johnny depp",
    "keanu reeves",
    "will smith",
    "morgan freeman",
    "meryl streep",
    "scarlett johansson",
    "marilyn monroe",
    "george clooney",
    "dwayne johnson",
    "oprah winfrey",
    "ellen degeneres",
    "elon musk",
    "jeff bezos",
    "bill gates",
    "mark zuckerberg",
    "steve jobs",
    "warren buffett",
    "barack obama",
    "michelle obama",
    "donald trump",
    "joe biden",
    "hillary clinton",
    "bill clinton",
    "george bush",
    "abraham lincoln",
    "george washington",
    "queen elizabeth",
    "king charles",
    "prince harry",
    "vladimir putin",
    "angela merkel",
    "emmanuel macron",
    "boris johnson",
    "albert einstein",
    "isaac newton",
    "napoleon bonaparte",
    "cristiano ronaldo",
    "lionel messi",
    "michael jordan",
    "lebron james",
    "serena williams",
    "roger federer",
    "tiger woods",
    "usain bolt",
    "david beckham",
    "tom brady",
    "kobe bryant",
    "muhammad ali",
    "mike tyson",
    "paul mccartney",
    "john lennon",
    "freddie mercury",
    "david bowie",
    "bob dylan",
    "bob marley",
    "kurt cobain",
    "snoop dogg",
    "eminem mathers",
    "jay z",
    "drake graham",
    "ed sheeran",
    "adele adkins",
    "shakira mebarak",
  ].map((n) => n.toLowerCase()),
);

export function famousName(folded: string): string | null {
  return FAMOUS.has(folded.trim()) ? folded.trim() : null;
}

/** Email addresses forms are filled with when people will not give theirs. */
export function isPlaceholderEmail(local: string, domain: string): boolean {
  const l = local.replace(/[._-]/g, "");
  const host = domain.split(".")[0] ?? "";
  if (
    ["example.com", "example.org", "example.net", "test.com", "test.test", "invalid.invalid"].includes(domain)
  )
    return true;
  if (MASHES.has(l) && (MASHES.has(host) || l === host)) return true;
  if (l.length <= 2 && l === host) return true;
  return (
    ["noemail", "nomail", "noreply", "none", "test", "asdf", "donotreply", "na"].includes(l) && l === host
  );
}
