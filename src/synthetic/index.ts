export type { SourceName } from "./context.js";
export { sourceNames } from "./context.js";
export { type CorruptionRates, Corruptor, defaultCorruptionRates } from "./corrupt.js";
export { type GenerateOptions, type GenerateReport, generate, timelineFor } from "./generate.js";
export { type Manifest, type ManifestSource, sourceLayout } from "./manifest.js";
export { sourceMappings } from "./mappings.js";
export { nicknames } from "./pools.js";
export { Rng, WeightedTable } from "./prng.js";
