import { describe, expect, it } from "vitest";
import {
  expandPlaceName,
  expandStreet,
  hasStreetType,
  numberFollowsStreet,
  streetLanguages,
} from "./street-types.js";

describe("expandStreet", () => {
  it.each<[string, string | null, string]>([
    ["smith st", "AU", "smith street"],
    ["tullaroop street", "AU", "tullaroop street"],
    ["wallaby pl", "AU", "wallaby place"],
    ["george rd", "GB", "george road"],
    ["park ave", "US", "park avenue"],
    ["park av", "US", "park avenue"],
    ["kings cres", "AU", "kings crescent"],
    ["kings cr", "AU", "kings crescent"],
    ["banksia ct", "AU", "banksia court"],
    ["lakeside cct", "AU", "lakeside circuit"],
    ["sunset blvd", "US", "sunset boulevard"],
    ["pacific hwy", "AU", "pacific highway"],
    ["ocean pde", "AU", "ocean parade"],
    ["victoria tce", "AU", "victoria terrace"],
    ["elm cl", "GB", "elm close"],
    ["oak gr", "AU", "oak grove"],
    ["sunset dr", "US", "sunset drive"],
    ["memory ln", "US", "memory lane"],
    ["bay pkwy", "US", "bay parkway"],
    ["st kilda rd", "AU", "saint kilda road"],
    ["st kilda road", "AU", "saint kilda road"],
    ["st georges tce", "AU", "saint georges terrace"],
    ["mt eden rd", "NZ", "mount eden road"],
    ["ft washington ave", "US", "fort washington avenue"],
    ["smith st 12", "AU", "smith street 12"],
    ["pacific hwy 1", "AU", "pacific highway 1"],
    ["hwy 1", "US", "highway 1"],
    ["main st n", "US", "main street north"],
    ["pennsylvania ave nw", "US", "pennsylvania avenue northwest"],
    ["n main st", "US", "north main street"],
    ["avenue e", "US", "avenue e"],
    ["e st", "US", "e street"],
    ["hauptstr", "DE", "hauptstrasse"],
    ["hauptstrasse", "DE", "hauptstrasse"],
    ["berliner str", "DE", "berliner strasse"],
    ["bahnhofstr", "CH", "bahnhofstrasse"],
    ["kerkstr", "NL", "kerkstraat"],
    ["r de rivoli", "FR", "rue de rivoli"],
    ["av des champs elysees", "FR", "avenue des champs elysees"],
    ["bd haussmann", "FR", "boulevard haussmann"],
    ["st germain", "FR", "saint germain"],
    ["c mayor", "ES", "calle mayor"],
    ["avda de america", "ES", "avenida de america"],
    ["av reforma", "MX", "avenida reforma"],
    ["pza mayor", "ES", "plaza mayor"],
    ["v roma", "IT", "via roma"],
    ["vle europa", "IT", "viale europa"],
    ["pza navona", "IT", "piazza navona"],
    ["cso buenos aires", "IT", "corso buenos aires"],
    ["r augusta", "PT", "rua augusta"],
    ["av paulista", "BR", "avenida paulista"],
    ["main st", null, "main street"],
    ["", "AU", ""],
  ])("%j (%s) → %j", (street, country, expected) => {
    expect(expandStreet(street, country)).toBe(expected);
  });
});

describe("expandPlaceName", () => {
  it.each<[string, string | null, string]>([
    ["st james", "AU", "saint james"],
    ["st kilda", "AU", "saint kilda"],
    ["mt druitt", "AU", "mount druitt"],
    ["ft worth", "US", "fort worth"],
    ["ste foy", "CA", "sainte foy"],
    ["st", "AU", "st"],
    ["sydney", "AU", "sydney"],
    ["st 12", "AU", "st 12"],
    ["w hollywood", "US", "west hollywood"],
    ["e st louis", "US", "east saint louis"],
    ["n", "US", "n"],
    ["e ville", "FR", "e ville"],
  ])("%j → %j", (place, country, expected) => {
    expect(expandPlaceName(place, country)).toBe(expected);
  });
});

describe("street languages and number order", () => {
  it.each<[string | null, string[], boolean]>([
    ["AU", ["en"], false],
    ["US", ["en"], false],
    ["FR", ["fr", "en"], false],
    ["DE", ["de", "en"], true],
    ["CH", ["de", "fr", "it", "en"], true],
    ["BE", ["fr", "nl", "en"], true],
    ["BR", ["pt", "en"], true],
    ["SE", ["en"], true],
    [null, ["en"], false],
  ])("%s", (country, languages, after) => {
    expect(streetLanguages(country)).toEqual(languages);
    expect(numberFollowsStreet(country)).toBe(after);
  });

  it.each<[string, string | null, boolean]>([
    ["tullaroop street", "AU", true],
    ["smith st", "AU", true],
    ["willaroo", "AU", false],
    ["hauptstrasse", "DE", true],
    ["rue de rivoli", "FR", true],
    ["calle mayor", "ES", true],
  ])("hasStreetType %j (%s) → %s", (street, country, expected) => {
    expect(hasStreetType(street, country)).toBe(expected);
  });
});
