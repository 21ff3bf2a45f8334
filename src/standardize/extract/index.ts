/**
 * Extraction of facts from free text: contact points, a signature's parts, named entities, language,
 * sentiment and interests, each with its document, span and confidence. Pure, like the rest of standardize.
 */
export { findEmails, findHandles, findPhones, findUrls, profileOfUrl } from "./contacts.js";
export { findEntities } from "./entities.js";
export { addEvidence, type EvidenceOptions, extractedLabel } from "./evidence.js";
export { acceptConfidence, confidence, type ExtractOptions, extractFacts } from "./extract-text.js";
export { findInterests } from "./interests.js";
export { detectLanguage } from "./language.js";
export { sentimentOf } from "./sentiment.js";
export { findSignature, type Signature } from "./signature.js";
export { type Interest, interestTaxonomy } from "./taxonomy.js";
