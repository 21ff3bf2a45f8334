import model from "wink-eng-lite-web-model";
import winkNLP from "wink-nlp";
import { maxNlpChars, memoByText } from "./prose.js";

/** wink-nlp with its small English model, loaded once: sentiment and tokens for English text. */
const nlp = winkNLP(model, ["sbd", "negation", "sentiment"]);
const its = nlp.its;

interface Sentiment {
  score: number;
  label: "negative" | "neutral" | "positive";
}

/**
 * The sentiment of an English text, from -1 (negative) to 1 (positive), by wink-nlp's lexicon with
 * negation handling; the label is "negative" below -0.1, "positive" above 0.1, "neutral" between. Reads the
 * first `maxNlpChars` of the text.
 */
export const sentimentOf: (text: string) => Readonly<Sentiment> = memoByText(sentimentOfText);

function sentimentOfText(text: string): Sentiment {
  const prose = text.length > maxNlpChars ? text.slice(0, maxNlpChars) : text;
  const score = Math.round(Number(nlp.readDoc(prose).out(its.sentiment)) * 1000) / 1000;
  return { score, label: score < -0.1 ? "negative" : score > 0.1 ? "positive" : "neutral" };
}
