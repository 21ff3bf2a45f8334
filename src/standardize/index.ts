/**
 * Standardisation: pure functions that turn what sources wrote into the folded, canonical forms identity
 * resolution compares. None of them throws on bad input; each returns its value with issues as data.
 */
export { standardizeAddress } from "./address.js";
export { countryAlpha3, countryCode, countryName, isCountryCode } from "./countries.js";
export { checkBirthDate, standardizeDate } from "./date.js";
export { isDisposableEmailDomain, isLikelyEmail, standardizeEmail } from "./email.js";
export { fold, foldKey, foldLetters, foldTokens } from "./fold.js";
export { standardizeGender } from "./gender.js";
export { standardizeIdentifier } from "./identifier.js";
export { standardizeName } from "./name.js";
export { areNicknameEquivalent, canonicalGivenName, nicknameRoots } from "./nicknames.js";
export { standardizePhone } from "./phone.js";
export { phonetic } from "./phonetic.js";
export { findPostcode, normalizePostcode } from "./postcodes.js";
export { type StandardizeOptions, standardizeRecord } from "./record.js";
export { regionCode, standardizeRegion } from "./regions.js";
export { expandPlaceName, expandStreet } from "./street-types.js";
