export * from "./dialect.js";
export * from "./import-runs.js";
export * from "./open-store.js";
export * from "./quarantine.js";
export * from "./schema.js";
export * from "./source-records.js";
