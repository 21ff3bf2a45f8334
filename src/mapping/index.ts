export * from "./apply-mapping.js";
export * from "./compile-mapping.js";
export * from "./load-mapping.js";
export * from "./suggest-mapping.js";
export * from "./target.js";
