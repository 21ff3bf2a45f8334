import { type Feature, listFeature, type RecordTable, textFeature } from "../../resolve/record-table.js";
import type { HouseholdCandidate } from "./candidates.js";

/** The people to household as a resolution table: row r is candidate r, keyed by its entity id. */
export function householdTable(candidates: HouseholdCandidate[]): RecordTable {
  return {
    size: candidates.length,
    keys: candidates.map((c) => c.entity),
    source: new Uint16Array(candidates.length),
    sources: ["people"],
    features: new Map<string, Feature>([
      ["homeAddress", textFeature(candidates.map((c) => c.homeAddress))],
      ["building", textFeature(candidates.map((c) => c.building))],
      ["addresses", listFeature(candidates.map((c) => c.addresses))],
      ["numberPostcode", listFeature(candidates.map((c) => c.numberPostcode))],
      ["numberStreet", listFeature(candidates.map((c) => c.numberStreet))],
      ["postcodes", listFeature(candidates.map((c) => c.postcodes))],
      ["postcode", textFeature(candidates.map((c) => c.postcode))],
      ["surname", textFeature(candidates.map((c) => c.surname))],
      ["houseNumber", textFeature(candidates.map((c) => c.houseNumber))],
      ["streetName", textFeature(candidates.map((c) => c.streetName))],
      ["houseNumbers", listFeature(candidates.map((c) => c.houseNumbers))],
      ["streetNames", listFeature(candidates.map((c) => c.streetNames))],
      ["family", listFeature(candidates.map((c) => c.family))],
      ["familySound", listFeature(candidates.map((c) => c.familySound))],
      ["phones", listFeature(candidates.map((c) => c.phones))],
      ["ips", listFeature(candidates.map((c) => c.ips))],
      ["devices", listFeature(candidates.map((c) => c.devices))],
      ["emails", listFeature(candidates.map((c) => c.emails))],
    ]),
  };
}
