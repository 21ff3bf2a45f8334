import type { ResolveSettingsInput } from "../../resolve/settings.js";

/**
 * Households are found by the same machinery as people (src/resolve): comparisons with levels, blocking
 * rules, a Fellegi-Sunter model trained without labels, explanations and clustering — over one row per
 * resolved person, with the features that say "lives with" rather than "is": where they live and have lived,
 * their family name, and what a household shares (a landline, the home router's IP address, a family tablet,
 * a family mailbox). A settings file in this format replaces the defaults (`tessera households build
 * --settings`); the features are listed in `householdFeatures`.
 */

export const householdFeatures = {
  homeAddress: "the person's home: the address most of their records give (ties: the most recent)",
  addresses: "every address the person's records give, including past ones",
  building: "street number, street and postcode of the home, without the flat",
  numberPostcode:
    "street number, postcode and the street's first letter, of every address (agree when the street name has a typo)",
  numberStreet: "street number, street and town of every address (agree when the postcode has a typo)",
  postcodes: "every postcode the person's records give",
  postcode: "the main postcode: the home's, else the one given most",
  surname: "the golden family name, folded",
  houseNumber: "the home's street number",
  streetName: "the home's street",
  houseNumbers: "the street number of every address",
  streetNames: "the street of every address",
  family: "every family name the person's records give (both parts of a double-barrelled one)",
  familySound: "Double Metaphone codes of those family names",
  phones: "every phone number (E.164)",
  ips: "every IP address seen (sign-ups, app sessions, web visits)",
  devices: "device ids and app installs (anonymous ids)",
  emails: "every email address (canonical)",
} as const;

export type HouseholdFeature = keyof typeof householdFeatures;

export const householdDefaults: ResolveSettingsInput = {
  mode: "dedupe",
  comparisons: [
    {
      name: "address",
      levels: [
        { kind: "exact", feature: "homeAddress", label: "same home address" },
        { kind: "exact", feature: "addresses", label: "shared an address" },
        { kind: "exact", feature: "building", label: "same building" },
        { kind: "exact", feature: "numberPostcode", label: "same number and postcode" },
        { kind: "exact", feature: "numberStreet", label: "same number and street" },
      ],
    },
    {
      name: "family name",
      levels: [
        { kind: "exact", feature: "family", label: "same family name" },
        { kind: "jaroWinkler", feature: "family", threshold: 0.9, label: "similar family name" },
        { kind: "exact", feature: "familySound", label: "family names sound the same" },
      ],
    },
    // Number and street apart, so that a typo in the street of the same number is told from the house next door.
    {
      name: "street",
      levels: [{ kind: "jaroWinkler", feature: "streetNames", threshold: 0.9, label: "similar street" }],
    },
    {
      name: "house number",
      levels: [{ kind: "exact", feature: "houseNumbers", label: "same house number" }],
    },
    { name: "phone", levels: [{ kind: "exact", feature: "phones", label: "shared phone" }] },
    { name: "home IP", levels: [{ kind: "exact", feature: "ips", label: "shared IP address" }] },
    { name: "device", levels: [{ kind: "exact", feature: "devices", label: "shared device" }] },
    { name: "email", levels: [{ kind: "exact", feature: "emails", label: "shared email" }] },
  ],
  blocking: [
    { name: "home address", expression: "homeAddress" },
    { name: "an address", expression: "addresses" },
    { name: "building", expression: "building" },
    { name: "number and postcode", expression: "numberPostcode" },
    { name: "number and street", expression: "numberStreet" },
    { name: "phone", expression: "phones" },
    { name: "number and family name", expression: "houseNumber & surname" },
    { name: "street and family name", expression: "streetName & surname" },
    { name: "IP address", expression: "ips" },
    { name: "device", expression: "devices" },
    { name: "email", expression: "emails" },
  ],
  training: {
    blocking: [
      { name: "same address", expression: "addresses" },
      { name: "same phone", expression: "phones" },
      { name: "same IP address", expression: "ips" },
      { name: "same family name", expression: "family" },
    ],
  },
  // People at one home address (flat included) are one household whatever their names: flatmates and partners
  // who kept their names share nothing else the model could weigh. A shop's or a care home's address shared by
  // many is a generic value and left out before this rule sees it.
  deterministic: [{ name: "same home address", expression: "homeAddress" }],
  threshold: 0.5,
  clustering: { maxClusterSize: 20, minDensity: 0.3 },
  maxBlockSize: 20_000,
};
