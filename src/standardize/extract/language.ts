import { franc } from "franc-min";
import { maxNlpChars, memoByText } from "./prose.js";

/** ISO 639-3 codes franc returns → ISO 639-1, for the languages a customer is likely to write in. */
const TWO_LETTER: Record<string, string> = {
  eng: "en",
  fra: "fr",
  deu: "de",
  spa: "es",
  por: "pt",
  ita: "it",
  nld: "nl",
  pol: "pl",
  swe: "sv",
  dan: "da",
  nob: "no",
  fin: "fi",
  ces: "cs",
  ron: "ro",
  hun: "hu",
  tur: "tr",
  rus: "ru",
  ukr: "uk",
  arb: "ar",
  cmn: "zh",
  jpn: "ja",
  kor: "ko",
  hin: "hi",
  ind: "id",
  vie: "vi",
  tha: "th",
};

/** Texts shorter than this are not given a language: a few words do not say which. */
export const minLanguageChars = 60;

/**
 * The language of a text (franc-min's trigram model), as ISO 639-1 when there is one and 639-3 otherwise,
 * with a confidence that grows with the text's length; null when the text is too short or undecided. Reads
 * the first `maxNlpChars` of the text (franc itself reads 2,048 letters at most).
 */
export const detectLanguage: (text: string) => Readonly<{ language: string; confidence: number }> | null =
  memoByText(languageOf);

function languageOf(text: string): { language: string; confidence: number } | null {
  if (text.length < minLanguageChars) return null;
  const letters = (text.length > maxNlpChars ? text.slice(0, maxNlpChars) : text)
    .replace(/[^\p{L}\s]/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
  if (letters.length < minLanguageChars) return null;
  const code = franc(letters, { minLength: minLanguageChars });
  if (code === "und") return null;
  return {
    language: TWO_LETTER[code] ?? code,
    confidence: Math.min(0.95, 0.5 + letters.length / 800),
  };
}
