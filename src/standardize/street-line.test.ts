import { describe, expect, it } from "vitest";
import { parseStreetLine, type StreetLine } from "./street-line.js";

describe("parseStreetLine", () => {
  it.each<[string, string | null, Partial<StreetLine>]>([
    ["12 smith st", "AU", { streetNumber: "12", street: "smith st", unit: null }],
    ["12a smith st", "AU", { streetNumber: "12a", street: "smith st" }],
    ["12-14 smith st", "AU", { streetNumber: "12-14", street: "smith st" }],
    ["3/12 smith st", "AU", { unit: "3", streetNumber: "12", street: "smith st" }],
    ["unit 3/12 smith st", "AU", { unit: "3", streetNumber: "12", street: "smith st" }],
    ["u 5 12 smith st", "AU", { unit: "5", streetNumber: "12", street: "smith st" }],
    ["apt 4b, 123 main st", "US", { unit: "4b", streetNumber: "123", street: "main st" }],
    ["123 main st apt. 4b", "US", { unit: "4b", streetNumber: "123", street: "main st" }],
    ["123 main st #4", "US", { unit: "4", streetNumber: "123", street: "main st" }],
    ["flat b, 10 high st", "GB", { unit: "b", streetNumber: "10", street: "high st" }],
    ["suite 200 1 market st", "US", { unit: "200", streetNumber: "1", street: "market st" }],
    ["level 5 100 george st", "AU", { level: "level 5", streetNumber: "100", street: "george st" }],
    ["3rd floor 1 main st", "US", { level: "level 3", streetNumber: "1", street: "main st" }],
    ["lot 12 smith rd", "AU", { unit: "lot 12", street: "smith rd" }],
    ["po box 123", "AU", { street: "po box 123", poBox: true, streetNumber: null }],
    ["p.o. box 55", "US", { street: "po box 55", poBox: true }],
    ["gpo box 1234", "AU", { street: "po box 1234", poBox: true }],
    ["locked bag 7", "AU", { street: "locked bag 7", poBox: true }],
    ["postfach 10 20 30", "DE", { street: "po box 10", poBox: true }],
    ["hauptstr. 5a", "DE", { streetNumber: "5a", street: "hauptstr" }],
    ["via roma 10", "IT", { streetNumber: "10", street: "via roma" }],
    ["p.za navona 1", "IT", { streetNumber: "1", street: "pza navona" }],
    ["kerkstraat 12-14", "NL", { streetNumber: "12-14", street: "kerkstraat" }],
    ["calle mayor, 5", "ES", { streetNumber: "5", street: "calle mayor" }],
    ["12 bis rue de la paix", "FR", { streetNumber: "12 bis", street: "rue de la paix" }],
    ["highway 1", "US", { streetNumber: null, street: "highway 1" }],
    ["smith st 12", "AU", { streetNumber: "12", street: "smith st" }],
    ["1st avenue", "US", { streetNumber: null, street: "1st avenue" }],
    ["ste foy", "CA", { unit: null, street: "ste foy" }],
    ["willaroo", "AU", { streetNumber: null, street: "willaroo", recognised: false }],
    ["12", "AU", { streetNumber: "12", street: null }],
    ["", "AU", { streetNumber: null, street: null, recognised: false }],
  ])("%j (%s)", (line, country, expected) => {
    expect(parseStreetLine(line, country)).toMatchObject(expected);
  });
});
