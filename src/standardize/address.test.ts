import { describe, expect, it } from "vitest";
import type { PostalAddress } from "../model/source-record.js";
import type { StandardAddress } from "../model/standardized.js";
import { standardizeAddress } from "./address.js";

const std = (a: PostalAddress, country?: string) => standardizeAddress(a, country, "addresses[0]");
const codes = (a: PostalAddress, country?: string) => std(a, country).issues.map((i) => i.code);

describe("standardizeAddress: FEBRL-style Australian rows (parts given separately)", () => {
  const febrl = (
    streetNumber: string,
    address1: string,
    address2: string,
    suburb: string,
    postcode: string,
    state: string,
  ): PostalAddress => {
    const a: Record<string, string> = {};
    if (streetNumber) a.streetNumber = streetNumber;
    if (address1) a.line1 = address1;
    if (address2) a.line2 = address2;
    if (suburb) a.locality = suburb;
    if (postcode) a.postcode = postcode;
    if (state) a.region = state;
    return a;
  };

  it("standardises the example row", () => {
    const { value, issues } = std(febrl("6", "tullaroop street", "willaroo", "st james", "4011", "wa"), "AU");
    expect(value).toEqual<StandardAddress>({
      label: null,
      streetNumber: "6",
      street: "tullaroop street",
      unit: null,
      locality: "saint james",
      city: null,
      region: "wa",
      postcode: "4011",
      country: "AU",
      line: "6 tullaroop street willaroo saint james wa 4011",
    });
    expect(issues.map((i) => [i.code, i.field])).toEqual([
      ["address_postcode_region_mismatch", "addresses[0].postcode"],
    ]);
  });

  it.each<[string[], Partial<StandardAddress>]>([
    [
      ["7", "wallaby place", "delmar", "cleveland", "2119", "sa"],
      { streetNumber: "7", street: "wallaby place", locality: "cleveland", postcode: "2119", region: "sa" },
    ],
    [
      ["54", "hoseason street", "lakefront retrmnt vlge", "granville", "4881", "nsw"],
      { street: "hoseason street", line: "54 hoseason street lakefront retrmnt vlge granville nsw 4881" },
    ],
    [
      ["", "mountain creek road", "", "eaton", "7310", "vic"],
      { streetNumber: null, street: "mountain creek road", locality: "eaton" },
    ],
    [
      ["27", "jarreah", "mackinnon street", "aspley", "6052", ""],
      {
        streetNumber: "27",
        street: "mackinnon street",
        region: null,
        line: "27 mackinnon street jarreah aspley 6052",
      },
    ],
    [
      ["122", "howarth place", "villa 19", "alice springs", "2028", "vic"],
      { streetNumber: "122", street: "howarth place", unit: "19" },
    ],
    [
      ["20", "newman morris circuit", "the willows", "homebush", "2285", "vic"],
      { street: "newman morris circuit" },
    ],
    [
      ["", "burdekin avenue", "crown allot", "woollahra", "4217", "qld"],
      { street: "burdekin avenue", postcode: "4217" },
    ],
    [
      ["3/12", "smith st", "", "st kilda", "3182", "vic"],
      { unit: "3", streetNumber: "12", street: "smith street", locality: "saint kilda" },
    ],
    [["6", "tullaroop street", "", "", "800", "nt"], { postcode: "0800" }],
  ])("%j", (row, expected) => {
    const [n, a1, a2, suburb, postcode, state] = row as [string, string, string, string, string, string];
    expect(std(febrl(n, a1, a2, suburb, postcode, state), "AU").value).toMatchObject({
      country: "AU",
      ...expected,
    });
  });

  it("infers Australia from a state and postcode when no country is known", () => {
    const { value, issues } = std(febrl("6", "tullaroop street", "", "st james", "6102", "wa"));
    expect(value?.country).toBe("AU");
    expect(issues.map((i) => i.code)).toEqual(["address_country_inferred"]);
  });
});

describe("standardizeAddress: one-line addresses", () => {
  it.each<[string, string | undefined, Partial<StandardAddress>]>([
    // Australia
    [
      "3/12 Smith St, St Kilda VIC 3182",
      "AU",
      {
        unit: "3",
        streetNumber: "12",
        street: "smith street",
        locality: "saint kilda",
        region: "vic",
        postcode: "3182",
      },
    ],
    [
      "12 St Kilda Rd St Kilda VIC 3182",
      "AU",
      {
        streetNumber: "12",
        street: "saint kilda road",
        locality: "saint kilda",
        region: "vic",
        postcode: "3182",
      },
    ],
    [
      "Unit 5, 12 Smith St, Sydney NSW 2000",
      "AU",
      {
        unit: "5",
        streetNumber: "12",
        street: "smith street",
        locality: "sydney",
        region: "nsw",
        postcode: "2000",
      },
    ],
    [
      "U 5 12 Smith Street Sydney New South Wales 2000",
      "AU",
      { unit: "5", streetNumber: "12", street: "smith street", locality: "sydney", region: "nsw" },
    ],
    [
      "Level 5, 100 George St, Sydney NSW 2000, Australia",
      undefined,
      { unit: "level 5", streetNumber: "100", street: "george street", country: "AU" },
    ],
    [
      "Shop 3/45 Pacific Hwy, Hornsby NSW 2077",
      "AU",
      { unit: "3", streetNumber: "45", street: "pacific highway", locality: "hornsby" },
    ],
    [
      "12-14 Main Rd Moonah TAS 7009",
      "AU",
      { streetNumber: "12-14", street: "main road", locality: "moonah", region: "tas", postcode: "7009" },
    ],
    [
      "GPO Box 1234, Melbourne VIC 3001",
      "AU",
      { streetNumber: null, street: "po box 1234", locality: "melbourne" },
    ],
    ["Locked Bag 7, Parramatta NSW 2124", "AU", { street: "locked bag 7" }],
    [
      "6 Tullaroop Street Willaroo",
      "AU",
      { streetNumber: "6", street: "tullaroop street", locality: "willaroo" },
    ],
    // New Zealand
    [
      "10 Mt Eden Rd, Mt Eden, Auckland 1024, New Zealand",
      undefined,
      {
        street: "mount eden road",
        locality: "mount eden",
        city: "auckland",
        postcode: "1024",
        country: "NZ",
      },
    ],
    // United Kingdom and Ireland
    [
      "Flat 2, 10 Downing Street, Westminster, London, SW1A 2AA, UK",
      undefined,
      {
        unit: "2",
        streetNumber: "10",
        street: "downing street",
        locality: "westminster",
        city: "london",
        postcode: "sw1a 2aa",
        country: "GB",
      },
    ],
    [
      "221B Baker Street, London NW1 6XE",
      "GB",
      { streetNumber: "221b", street: "baker street", city: "london", postcode: "nw1 6xe" },
    ],
    [
      "Rose Cottage, 5 High St, Little Snoring, Fakenham NR21 0AA",
      "GB",
      {
        streetNumber: "5",
        street: "high street",
        locality: "little snoring",
        city: "fakenham",
        postcode: "nr21 0aa",
      },
    ],
    [
      "1 Grand Canal Square, Dublin 2, D02 P820, Ireland",
      undefined,
      { streetNumber: "1", street: "grand canal square", postcode: "d02 p820", country: "IE" },
    ],
    // United States and Canada
    [
      "1005 N Gravenstein Highway Sebastopol CA 95472",
      "US",
      {
        streetNumber: "1005",
        street: "north gravenstein highway",
        city: "sebastopol",
        region: "ca",
        postcode: "95472",
      },
    ],
    [
      "1600 Pennsylvania Ave NW, Washington, DC 20500, USA",
      undefined,
      {
        street: "pennsylvania avenue northwest",
        city: "washington",
        region: "dc",
        postcode: "20500",
        country: "US",
      },
    ],
    [
      "350 5th Ave #3400, New York, NY 10118-3299",
      "US",
      { streetNumber: "350", street: "5th avenue", unit: "3400", postcode: "10118" },
    ],
    [
      "435 s. la cienega blvd., los angeles, ca 90048",
      "US",
      { streetNumber: "435", street: "south la cienega boulevard", city: "los angeles" },
    ],
    [
      "PO Box 123, Austin TX 78701",
      "US",
      { street: "po box 123", city: "austin", region: "tx", postcode: "78701" },
    ],
    [
      "5 Main St N, Toronto ON M5V 2T6",
      "CA",
      { streetNumber: "5", street: "main street north", city: "toronto", region: "on", postcode: "m5v 2t6" },
    ],
    [
      "1234 Rue Sainte-Catherine O, Montréal QC H3G 1P1",
      "CA",
      { streetNumber: "1234", city: "montreal", region: "qc", postcode: "h3g 1p1" },
    ],
    // Continental Europe
    [
      "Hauptstr. 5a, 10115 Berlin, Deutschland",
      undefined,
      { streetNumber: "5a", street: "hauptstrasse", city: "berlin", postcode: "10115", country: "DE" },
    ],
    [
      "Hauptstraße 5a 10115 Berlin",
      "DE",
      { streetNumber: "5a", street: "hauptstrasse", city: "berlin", postcode: "10115" },
    ],
    [
      "Berliner Str. 12, 80331 München",
      "DE",
      { streetNumber: "12", street: "berliner strasse", city: "munchen" },
    ],
    [
      "Bahnhofstrasse 1, 8001 Zürich, Schweiz",
      undefined,
      { streetNumber: "1", street: "bahnhofstrasse", city: "zurich", postcode: "8001", country: "CH" },
    ],
    [
      "12 rue de la Paix, 75002 Paris, France",
      undefined,
      { streetNumber: "12", street: "rue de la paix", city: "paris", postcode: "75002", country: "FR" },
    ],
    [
      "12 bis av. des Champs-Élysées 75008 Paris",
      "FR",
      { streetNumber: "12 bis", street: "avenue des champs elysees", postcode: "75008", city: "paris" },
    ],
    [
      "Kerkstraat 12, 1017 GC Amsterdam",
      "NL",
      { streetNumber: "12", street: "kerkstraat", city: "amsterdam", postcode: "1017 gc" },
    ],
    [
      "Via Roma 10, 00184 Roma RM, Italia",
      undefined,
      {
        streetNumber: "10",
        street: "via roma",
        city: "roma",
        region: "rm",
        postcode: "00184",
        country: "IT",
      },
    ],
    ["P.za Navona 1, 00186 Roma", "IT", { streetNumber: "1", street: "piazza navona" }],
    [
      "C/ Mayor 5, 28013 Madrid, España",
      undefined,
      { streetNumber: "5", street: "calle mayor", city: "madrid", postcode: "28013", country: "ES" },
    ],
    ["Calle Mayor, 5, 28013 Madrid", "ES", { streetNumber: "5", street: "calle mayor", city: "madrid" }],
    [
      "Rua Augusta 100, 1100-053 Lisboa",
      "PT",
      { streetNumber: "100", street: "rua augusta", postcode: "1100-053", city: "lisboa" },
    ],
    // Elsewhere
    [
      "Av. Paulista, 1578 - Bela Vista, São Paulo - SP, 01310-200, Brasil",
      undefined,
      {
        streetNumber: "1578",
        street: "avenida paulista",
        locality: "bela vista",
        city: "sao paulo",
        region: "sp",
        postcode: "01310-200",
        country: "BR",
      },
    ],
    [
      "Flat 4B, 12 MG Road, Bengaluru 560001",
      "IN",
      { unit: "4b", streetNumber: "12", city: "bengaluru", postcode: "560001" },
    ],
    ["〒100-0001 東京都千代田区千代田1-1", "JP", { postcode: "100-0001", country: "JP" }],
  ])("%j (default %s)", (full, country, expected) => {
    expect(std({ full }, country).value).toMatchObject(expected);
  });

  it.each<[string, string]>([
    ["12 St Kilda Rd St Kilda VIC 3182", "AU"],
    ["1005 N Gravenstein Highway Sebastopol CA 95472", "US"],
    ["221B Baker Street, London NW1 6XE", "GB"],
    ["5 Main St N, Toronto ON M5V 2T6", "CA"],
  ])("infers the country of %j", (full, country) => {
    const { value, issues } = std({ full });
    expect(value?.country).toBe(country);
    expect(issues.map((i) => i.code)).toContain("address_country_inferred");
  });

  it("takes a comma-separated line1 as a whole address when no place is given separately", () => {
    expect(std({ line1: "12 Smith St, Sydney NSW 2000" }, "AU").value).toMatchObject({
      streetNumber: "12",
      street: "smith street",
      locality: "sydney",
      postcode: "2000",
    });
  });
});

describe("standardizeAddress: parts given separately", () => {
  it.each<[PostalAddress, string | undefined, Partial<StandardAddress>]>([
    [
      { line1: "123 Main St Apt 4B", city: "Springfield", region: "Illinois", postcode: "62704" },
      "US",
      {
        streetNumber: "123",
        street: "main street",
        unit: "4b",
        city: "springfield",
        region: "il",
        postcode: "62704",
      },
    ],
    [
      { line1: "42 St Marks Pl", city: "New York", region: "NY", postcode: "10003" },
      "US",
      { street: "saint marks place" },
    ],
    [
      { line1: "Suite 200", line2: "1 Market St", city: "San Francisco", region: "CA", postcode: "94105" },
      "US",
      { unit: "200", streetNumber: "1", street: "market street" },
    ],
    [
      {
        streetNumber: "10",
        street: "Downing St",
        city: "London",
        postcode: "SW1A2AA",
        country: "United Kingdom",
      },
      undefined,
      { streetNumber: "10", street: "downing street", postcode: "sw1a 2aa", country: "GB" },
    ],
    [
      { street: "Hauptstr. 5", postcode: "10115", city: "Berlin", country: "DE" },
      undefined,
      { streetNumber: "5", street: "hauptstrasse" },
    ],
    [
      { street: "5112 145th st", city: "Anytown", region: "WA", postcode: "98101" },
      "US",
      { streetNumber: "5112", street: "145th street", region: "wa" },
    ],
    [
      { unit: "Apt 3", streetNumber: "12", street: "Elm St" },
      "US",
      { unit: "3", streetNumber: "12", street: "elm street" },
    ],
    [{ unit: "Flat 2, Level 3", street: "Kings Rd" }, "GB", { unit: "2 level 3" }],
    [{ city: "Paris" }, "FR", { city: "paris", country: "FR", line: "paris" }],
    [{ country: "Australia" }, undefined, { country: "AU", line: "" }],
    [{ city: "Zürich", country: "CH", label: "Home" }, undefined, { label: "home", city: "zurich" }],
    [{ postcode: "2134", city: "Boston", region: "MA" }, "US", { postcode: "02134" }],
    [{ postcode: "ec1a1bb" }, undefined, { postcode: "ec1a 1bb", country: "GB" }],
  ])("%j (default %s)", (a, country, expected) => {
    expect(std(a, country).value).toMatchObject(expected);
  });
});

describe("standardizeAddress issues", () => {
  it.each<[PostalAddress, string | undefined, string[]]>([
    [{}, undefined, ["address_empty"]],
    [{ full: "" }, undefined, ["address_empty"]],
    [{ full: "   " }, undefined, ["address_empty"]],
    [{ full: "!!! ... ---" }, undefined, ["address_empty"]],
    [{ full: "😀😀😀" }, undefined, ["address_empty"]],
    [{ full: "garbage words" }, "AU", ["address_unparsed"]],
    [{ country: "Narnia", city: "Cair Paravel" }, undefined, ["address_country_unknown"]],
    [{ city: "Paris" }, "XX", ["address_bad_default_country"]],
    [{ postcode: "ABCDE", city: "Springfield" }, "US", ["address_postcode_invalid"]],
    [{ postcode: "123", city: "Springfield" }, "DE", ["address_postcode_invalid"]],
    [{ postcode: "00000", city: "Anytown" }, "US", ["address_postcode_placeholder"]],
    [{ postcode: "2134", city: "Boston" }, "US", ["address_postcode_padded"]],
    [{ postcode: "4011", region: "wa", city: "Perth" }, "AU", ["address_postcode_region_mismatch"]],
    [{ postcode: "2600", region: "act", city: "Canberra" }, "AU", []],
    [{ full: "1 Main St, Springfield, IL 62704" }, "US", []],
  ])("%j (default %s) → %j", (a, country, expected) => {
    expect(codes(a, country)).toEqual(expected);
  });

  it("names the part an issue concerns", () => {
    expect(std({ country: "Narnia" }).issues[0]?.field).toBe("addresses[0].country");
    expect(std({ postcode: "ABCDE" }, "US").issues[0]?.field).toBe("addresses[0].postcode");
  });
});

describe("standardizeAddress never throws", () => {
  it.each<[string, unknown, string | undefined]>([
    ["null", null, "AU"],
    ["a string", "12 Smith St", "AU"],
    ["non-string parts", { full: 12, city: ["x"], postcode: {} }, "US"],
    ["10,000 characters", { full: "a".repeat(10_000) }, "AU"],
    ["10,000 words", { full: "12 smith st ".repeat(800) }, "US"],
    ["10,000 commas", { full: ",".repeat(10_000) }, undefined],
    ["10,000 digits", { full: "1".repeat(10_000) }, "DE"],
    ["emoji", { full: "🏠 12 Smith St 🏠" }, "AU"],
    ["only punctuation", { line1: "#/-,.", line2: "////" }, "AU"],
    ["slashes", { full: "1/2/3/4/5 smith st" }, "AU"],
    ["hashes", { full: "# # # 12" }, "US"],
    ["control characters", { full: "\u0000\u0001 12 Smith St" }, "AU"],
    ["lone surrogate", { full: "\uD800 12 Smith St" }, "AU"],
    ["Cyrillic", { full: "ул. Тверская, 7, Москва, 125009" }, "RU"],
    ["Arabic", { full: "شارع الملك فهد، الرياض 12271" }, "SA"],
    ["a bad default country", { full: "12 Smith St" }, "Australia"],
  ])("%s", (_label, input, country) => {
    expect(() => standardizeAddress(input as PostalAddress, country)).not.toThrow();
  });

  it("handles a 10,000-character address quickly", () => {
    const started = performance.now();
    standardizeAddress({ full: `12 smith st ${"x ".repeat(5000)}` }, "AU");
    expect(performance.now() - started).toBeLessThan(200);
  });
});
