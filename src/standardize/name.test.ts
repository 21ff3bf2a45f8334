import { describe, expect, it } from "vitest";
import type { PersonName } from "../model/source-record.js";
import { standardizeName } from "./name.js";

type Parts = {
  title?: string | null;
  given?: string | null;
  middle?: string | null;
  family?: string | null;
  suffix?: string | null;
};

const codes = (name: PersonName) => standardizeName(name).issues.map((i) => i.code);

describe("standardizeName parses a whole name", () => {
  it.each<[string, Parts]>([
    ["John Smith", { title: null, given: "john", middle: null, family: "smith", suffix: null }],
    ["  JOHN   SMITH ", { given: "john", family: "smith" }],
    ["John Paul Smith", { given: "john", middle: "paul", family: "smith" }],
    ["John Paul George Smith", { given: "john", middle: "paul george", family: "smith" }],
    ["Dr. Robert J. Smith Jr.", { title: "dr", given: "robert", middle: "j", family: "smith", suffix: "jr" }],
    ["Mr John Smith", { title: "mr", given: "john", family: "smith" }],
    ["Mrs. Elizabeth Taylor", { title: "mrs", given: "elizabeth", family: "taylor" }],
    ["Ms Jane Doe-Roe", { title: "ms", given: "jane", family: "doe roe" }],
    ["Miss Marple", { title: "miss", given: null, family: "marple" }],
    ["Prof. Dr. Hans-Jürgen Müller", { title: "prof dr", given: "hans jurgen", family: "muller" }],
    ["Sir Elton John", { title: "sir", given: "elton", family: "john" }],
    [
      "Rev. Martin Luther King Jr.",
      { title: "rev", given: "martin", middle: "luther", family: "king", suffix: "jr" },
    ],
    ["Mister Rogers", { title: "mr", family: "rogers" }],
    ["Doctor Who Smith", { title: "dr", given: "who", family: "smith" }],
    ["Herr Klaus Schmidt", { title: "herr", given: "klaus", family: "schmidt" }],
    ["Mme Marie Curie", { title: "mme", given: "marie", family: "curie" }],
    ["Sr. Juan Pérez", { title: "sr", given: "juan", family: "perez" }],
    ["John Smith III", { given: "john", family: "smith", suffix: "iii" }],
    ["John Smith, Jr., PhD", { given: "john", family: "smith", suffix: "jr phd" }],
    ["Jane Smith MD", { given: "jane", family: "smith", suffix: "md" }],
    ["Jane Smith, M.D.", { given: "jane", family: "smith", suffix: "md" }],
    ["John Smith Snr", { given: "john", family: "smith", suffix: "sr" }],
    ["John Smith 2nd", { given: "john", family: "smith", suffix: "ii" }],
    ["Atticus Finch Esq.", { given: "atticus", family: "finch", suffix: "esq" }],
    ["Thomas Jones, OBE", { given: "thomas", family: "jones", suffix: "obe" }],
    ["Smith, John", { given: "john", family: "smith" }],
    ["Smith, John Paul", { given: "john", middle: "paul", family: "smith" }],
    ["Smith,John", { given: "john", family: "smith" }],
    ["Smith, John, Jr.", { given: "john", family: "smith", suffix: "jr" }],
    ["Smith Jr., John", { given: "john", family: "smith", suffix: "jr" }],
    ["Dr. Smith, John", { title: "dr", given: "john", family: "smith" }],
    ["Smith, Dr. John", { title: "dr", given: "john", family: "smith" }],
    ["de la Cruz, Juan", { given: "juan", family: "de la cruz" }],
    ["van der Berg, Jan", { given: "jan", family: "van der berg" }],
    ["Juan de la Cruz", { given: "juan", family: "de la cruz" }],
    ["Vincent van der Berg", { given: "vincent", family: "van der berg" }],
    ["Ludwig van Beethoven", { given: "ludwig", family: "van beethoven" }],
    ["Ursula von der Leyen", { given: "ursula", family: "von der leyen" }],
    ["Leonardo da Vinci", { given: "leonardo", family: "da vinci" }],
    ["Maria dos Santos", { given: "maria", family: "dos santos" }],
    ["Giuseppe Di Stefano", { given: "giuseppe", family: "di stefano" }],
    ["Daphne du Maurier", { given: "daphne", family: "du maurier" }],
    ["Ursula Le Guin", { given: "ursula", family: "le guin" }],
    ["Jean de La Fontaine", { given: "jean", family: "de la fontaine" }],
    ["Yves Saint Laurent", { given: "yves", family: "saint laurent" }],
    ["Yves St. Laurent", { given: "yves", family: "st laurent" }],
    ["Omar Al Sharif", { given: "omar", family: "al sharif" }],
    ["David Ben Gurion", { given: "david", family: "ben gurion" }],
    ["José Ortega y Gasset", { given: "jose", family: "ortega y gasset" }],
    ["Gabriel García Márquez", { given: "gabriel", middle: "garcia", family: "marquez" }],
    ["Mary O'Brien", { given: "mary", family: "obrien" }],
    ["Mary O' Brien", { given: "mary", family: "obrien" }],
    ["Mary O’Brien", { given: "mary", family: "obrien" }],
    ["John Mac Donald", { given: "john", family: "macdonald" }],
    ["John MacDonald", { given: "john", family: "macdonald" }],
    ["John Mc Donald", { given: "john", family: "mcdonald" }],
    ["Mac Smith", { given: "mac", family: "smith" }],
    ["F. Scott Fitzgerald", { given: "f", middle: "scott", family: "fitzgerald" }],
    ["Mary-Jane Smith-Jones", { given: "mary jane", family: "smith jones" }],
    ["Jean-Luc Picard", { given: "jean luc", family: "picard" }],
    ["J. R. R. Tolkien", { given: "j", middle: "r r", family: "tolkien" }],
    ["Zoë Ålström-Łukasz", { given: "zoe", family: "alstrom lukasz" }],
    ["DUPONT Jean", { given: "jean", family: "dupont" }],
    ["DUPONT Jean-Marc Pierre", { given: "jean marc", middle: "pierre", family: "dupont" }],
    ["DE LA CRUZ Juan", { given: "juan", family: "de la cruz" }],
    ["Charles DE GAULLE", { given: "charles", family: "de gaulle" }],
    ["Jean de GAULLE", { given: "jean", family: "de gaulle" }],
    ["John D SMITH", { given: "john", middle: "d", family: "smith" }],
    ["AJ Smith", { given: "aj", family: "smith" }],
    ["JR Ewing", { given: "jr", family: "ewing" }],
    ['Robert "Bob" Smith', { given: "robert", family: "smith" }],
    ["Robert (Bob) Smith", { given: "robert", family: "smith" }],
    ["Madonna", { given: "madonna", family: null }],
    ["Mr Smith", { title: "mr", given: null, family: "smith" }],
    ["Van Morrison", { given: "van", family: "morrison" }],
    ["Don Draper", { given: "don", family: "draper" }],
    ["Jack Ma", { given: "jack", family: "ma", suffix: null }],
    ["Yo-Yo Ma", { given: "yo yo", family: "ma" }],
    ["Jane Do", { given: "jane", family: "do", suffix: null }],
    ["王小明", { given: "王小明", family: null }],
    ["Владимир Путин", { given: "владимир", family: "путин" }],
  ])("%j", (full, expected) => {
    expect(standardizeName({ full }).value).toMatchObject(expected);
  });
});

describe("standardizeName with parts given separately", () => {
  it.each<[PersonName, Parts]>([
    [
      { given: "mitchell", family: "green" },
      { given: "mitchell", family: "green", middle: null },
    ],
    [
      { given: "Hélène", family: "Lefèvre" },
      { given: "helene", family: "lefevre" },
    ],
    [
      { given: "Dr John", family: "Smith" },
      { title: "dr", given: "john", family: "smith" },
    ],
    [
      { given: "John", family: "Smith Jr" },
      { given: "john", family: "smith", suffix: "jr" },
    ],
    [
      { given: "Mary Jane", family: "Watson" },
      { given: "mary jane", family: "watson" },
    ],
    [
      { given: "J.", middle: "Robert", family: "Oppenheimer" },
      { given: "j", middle: "robert", family: "oppenheimer" },
    ],
    [
      { title: "Mrs.", given: "Ann", family: "Lee" },
      { title: "mrs", given: "ann", family: "lee" },
    ],
    [
      { title: "Professor", family: "Plum" },
      { title: "prof", given: null, family: "plum" },
    ],
    [{ given: "Ann", family: "Lee", suffix: "Junior" }, { suffix: "jr" }],
    [{ family: "van der Berg" }, { given: null, family: "van der berg" }],
    [{ family: "O'Neil" }, { family: "oneil" }],
    [{ given: "isabelle" }, { given: "isabelle", family: null }],
    [
      { full: "John Smith", given: "Johnny" },
      { given: "johnny", family: "smith" },
    ],
    [
      { full: "Dr John Smith", given: "John", family: "Smith" },
      { title: "dr", given: "john", family: "smith" },
    ],
    [{ middle: "Alex" }, { given: "alex", middle: null }],
  ])("%j", (name, expected) => {
    expect(standardizeName(name).value).toMatchObject(expected);
  });
});

describe("standardizeName derived features", () => {
  it("gives the canonical given name and phonetic codes", () => {
    expect(standardizeName({ full: "Bob Smith" }).value).toMatchObject({
      givenCanonical: "robert",
      givenPhonetic: ["PP", "PP"],
      familyPhonetic: ["SM0", "XMT"],
    });
    expect(standardizeName({ given: "Liz", family: "Taylor" }).value?.givenCanonical).toBe("elizabeth");
    expect(standardizeName({ given: "Peggy", family: "Olson" }).value?.givenCanonical).toBe("margaret");
    expect(standardizeName({ given: "Katie", family: "Holmes" }).value?.givenCanonical).toBe("katherine");
    expect(standardizeName({ given: "Xavi", family: "Hernandez" }).value?.givenCanonical).toBe("xavi");
    expect(standardizeName({ family: "Smith" }).value).toMatchObject({
      givenCanonical: null,
      givenPhonetic: null,
    });
    expect(standardizeName({ full: "王小明" }).value?.givenPhonetic).toBeNull();
  });

  it("gives the same features to the same person written two ways", () => {
    const a = standardizeName({ full: "SMITH, Robert" }).value;
    const b = standardizeName({ full: "Bob Smith" }).value;
    expect(a?.family).toBe(b?.family);
    expect(a?.givenCanonical).toBe(b?.givenCanonical);
    expect(a?.familyPhonetic).toEqual(b?.familyPhonetic);
  });
});

describe("standardizeName issues", () => {
  it.each<[PersonName, string[]]>([
    [{ full: "" }, ["name_empty"]],
    [{ full: "   " }, ["name_empty"]],
    [{ full: "!!!" }, ["name_empty"]],
    [{ full: "..., --" }, ["name_empty"]],
    [{}, ["name_empty"]],
    [{ title: "Mr" }, ["name_empty"]],
    [{ full: "12345" }, ["name_empty"]],
    [{ full: "😀😀" }, ["name_empty"]],
    [{ full: "Test Test" }, ["name_placeholder"]],
    [{ full: "Unknown" }, ["name_placeholder"]],
    [{ full: "N/A" }, ["name_placeholder"]],
    [{ full: "John Doe" }, ["name_placeholder"]],
    [{ given: "asdf", family: "asdf" }, ["name_placeholder"]],
    [{ full: "xxxxx" }, ["name_placeholder"]],
    [{ full: "Guest User" }, ["name_placeholder"]],
    [{ full: "Acme Pty Ltd" }, ["name_organization"]],
    [{ full: "Smith & Co" }, ["name_organization"]],
    [{ full: "Globex Corporation" }, ["name_organization"]],
    [{ full: "Siemens AG" }, ["name_organization"]],
    [{ full: "Müller GmbH" }, ["name_organization"]],
    [{ full: "John & Mary Smith" }, ["name_multiple_people"]],
    [{ full: "John and Mary Smith" }, ["name_multiple_people"]],
    [{ full: "Madonna" }, ["name_incomplete"]],
    [{ full: "R2D2 Droid" }, ["name_contains_digits"]],
    [{ full: "John Smith" }, []],
  ])("%j → %j", (name, expected) => {
    expect(codes(name)).toEqual(expected);
  });

  it("keeps the first person and the shared family name of a couple", () => {
    expect(standardizeName({ full: "John & Mary Smith" }).value).toMatchObject({
      given: "john",
      family: "smith",
    });
  });

  it("names the field it was given", () => {
    expect(standardizeName({ full: "" }, "name.full").issues[0]?.field).toBe("name.full");
  });
});

describe("standardizeName never throws", () => {
  it.each<[string, unknown]>([
    ["null", null],
    ["a number", 42],
    ["a 10,000-character name", { full: "a".repeat(10_000) }],
    ["10,000 words", { full: "ab ".repeat(3_400) }],
    ["emoji", { full: "😀 🎉 👍🏽" }],
    ["only punctuation", { full: ".,;:!?-_()[]{}" }],
    ["control characters", { full: "\u0000\u0001\u0002" }],
    ["lone surrogates", { full: "\uD800\uDFFF\uD800" }],
    ["non-strings in parts", { given: 5, family: ["x"] }],
    ["only titles", { full: "Mr Mrs Dr" }],
    ["only suffixes", { full: "Jr Sr III" }],
    ["only particles", { full: "van der de la" }],
    ["commas only", { full: ",,,,," }],
    ["unbalanced brackets", { full: "John (Bob Smith" }],
    ["an apostrophe alone", { full: "O'" }],
  ])("%s", (_label, input) => {
    expect(() => standardizeName(input as PersonName)).not.toThrow();
  });
});
