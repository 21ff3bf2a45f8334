export * from "./issue.js";
export * from "./mapping.js";
export * from "./source-record.js";
export * from "./standardized.js";
