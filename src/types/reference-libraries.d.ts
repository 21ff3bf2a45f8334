// Reference implementations used only by tests to check our own hot-loop code.
declare module "fast-levenshtein" {
  const fastLevenshtein: { get(a: string, b: string): number };
  export default fastLevenshtein;
}
declare module "talisman/metrics/jaro.js" {
  export default function jaro(a: string, b: string): number;
}
declare module "talisman/metrics/jaro-winkler.js" {
  export default function jaroWinkler(a: string, b: string): number;
}
declare module "talisman/metrics/damerau-levenshtein.js" {
  export default function damerauLevenshtein(a: string, b: string): number;
}
