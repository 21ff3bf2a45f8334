export { readCsv } from "./csv.js";
export { detectDelimiter } from "./detect-delimiter.js";
export { detectEncoding } from "./detect-encoding.js";
export { isSourceError, SourceError, type SourceErrorCode } from "./errors.js";
export { readJsonLines } from "./jsonl.js";
export { defaultMaxFieldBytes } from "./limits.js";
export { formatOfPath, readSource, sampleSource } from "./open-source.js";
export { readParquet } from "./parquet.js";
export type * from "./types.js";
