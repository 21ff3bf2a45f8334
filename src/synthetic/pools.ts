import { base, de, en, en_AU, en_CA, en_GB, en_US, es_MX, Faker, fr } from "@faker-js/faker";
import {
  auCities,
  type City,
  type Country,
  caProvinces,
  countries,
  deCities,
  frCities,
  gbCities,
  usStates,
} from "./countries.js";
import { Rng, WeightedTable } from "./prng.js";

/**
 * The pools every synthetic person is drawn from: given and family names by culture (popular names first,
 * so that frequencies fall off like real ones and common names collide), places, streets, companies and
 * job titles. Built once per seed from faker's seeded locale data; faker is never called per person.
 */

export type Culture = "anglo" | "hispanic" | "asian" | "german" | "french";

export interface NamePool {
  female: WeightedTable<string>;
  male: WeightedTable<string>;
  family: WeightedTable<string>;
}

export interface Company {
  name: string;
  domain: string;
}

export interface Pools {
  names: Record<Culture, NamePool>;
  /** Cultures of each country's population, with weights. */
  cultures: Record<Country, WeightedTable<Culture>>;
  cities: Record<Country, WeightedTable<City>>;
  /** Cities of the same region, for moves that stay nearby. */
  citiesByRegion: Map<string, City[]>;
  streets: Record<Country, string[]>;
  companies: Company[];
  jobTitles: string[];
}

/**
 * Formal given names and their common nicknames (English, plus a few German, French and Spanish ones).
 * Nicknames are listed most common first.
 */
export const nicknames: ReadonlyMap<string, readonly string[]> = new Map(
  (
    [
      ["Robert", "Bob Rob Bobby Robbie Bert"],
      ["William", "Bill Will Billy Willie Liam"],
      ["Richard", "Rick Rich Dick Ricky Richie"],
      ["James", "Jim Jimmy Jamie"],
      ["John", "Johnny Jack Jon"],
      ["Joseph", "Joe Joey"],
      ["Michael", "Mike Mikey Mick"],
      ["Thomas", "Tom Tommy"],
      ["Charles", "Charlie Chuck Chas"],
      ["Christopher", "Chris Topher Kit"],
      ["Daniel", "Dan Danny"],
      ["Matthew", "Matt Matty"],
      ["Anthony", "Tony Ant"],
      ["Donald", "Don Donnie"],
      ["Steven", "Steve Stevie"],
      ["Stephen", "Steve Stevie"],
      ["Andrew", "Andy Drew"],
      ["Joshua", "Josh"],
      ["Kenneth", "Ken Kenny"],
      ["Edward", "Ed Eddie Ted Ned"],
      ["Timothy", "Tim Timmy"],
      ["Ronald", "Ron Ronnie"],
      ["Jeffrey", "Jeff"],
      ["Gregory", "Greg"],
      ["Benjamin", "Ben Benny"],
      ["Samuel", "Sam Sammy"],
      ["Patrick", "Pat Paddy"],
      ["Alexander", "Alex Al Xander"],
      ["Nicholas", "Nick Nicky"],
      ["Jonathan", "Jon Jonny"],
      ["Nathan", "Nate"],
      ["Nathaniel", "Nate Nat"],
      ["Raymond", "Ray"],
      ["Lawrence", "Larry"],
      ["Gerald", "Jerry Gerry"],
      ["Douglas", "Doug"],
      ["Peter", "Pete"],
      ["Frederick", "Fred Freddie"],
      ["Albert", "Al Bert"],
      ["Henry", "Hank Harry"],
      ["Harold", "Harry Hal"],
      ["Walter", "Walt Wally"],
      ["Eugene", "Gene"],
      ["Leonard", "Leo Len Lenny"],
      ["Francis", "Frank Fran"],
      ["Franklin", "Frank"],
      ["Vincent", "Vince Vinny"],
      ["Zachary", "Zach Zack"],
      ["Jacob", "Jake"],
      ["Theodore", "Ted Teddy Theo"],
      ["Philip", "Phil"],
      ["Phillip", "Phil"],
      ["Mitchell", "Mitch"],
      ["Bradley", "Brad"],
      ["Russell", "Russ"],
      ["Randall", "Randy"],
      ["Terrence", "Terry"],
      ["Gabriel", "Gabe"],
      ["Elizabeth", "Liz Beth Betty Lizzie Eliza Libby"],
      ["Margaret", "Maggie Peggy Meg Marge"],
      ["Katherine", "Kate Kathy Katie Kat"],
      ["Catherine", "Cathy Cate Kate"],
      ["Kathryn", "Kate Kathy Katie"],
      ["Kathleen", "Kathy Kate Kath"],
      ["Jennifer", "Jen Jenny"],
      ["Patricia", "Pat Patty Trish Tricia"],
      ["Susan", "Sue Susie"],
      ["Deborah", "Deb Debbie"],
      ["Debra", "Deb Debbie"],
      ["Barbara", "Barb Barbie"],
      ["Rebecca", "Becky Becca"],
      ["Jessica", "Jess Jessie"],
      ["Christine", "Chris Chrissy Tina"],
      ["Christina", "Tina Chris Chrissy"],
      ["Kimberly", "Kim"],
      ["Samantha", "Sam Sammy"],
      ["Victoria", "Vicky Tori"],
      ["Alexandra", "Alex Lexi Sasha"],
      ["Abigail", "Abby"],
      ["Pamela", "Pam"],
      ["Cynthia", "Cindy"],
      ["Dorothy", "Dot Dottie"],
      ["Judith", "Judy"],
      ["Stephanie", "Steph"],
      ["Melissa", "Missy Mel"],
      ["Amanda", "Mandy"],
      ["Virginia", "Ginny"],
      ["Theresa", "Terry Tess"],
      ["Teresa", "Terry Tess"],
      ["Frances", "Fran Frannie"],
      ["Josephine", "Jo Josie"],
      ["Jacqueline", "Jackie"],
      ["Valerie", "Val"],
      ["Allison", "Ally"],
      ["Cassandra", "Cassie"],
      ["Caroline", "Carrie"],
      ["Carolyn", "Carrie Carol"],
      ["Madison", "Maddie"],
      ["Natalie", "Nat"],
      ["Danielle", "Dani"],
      ["Nicole", "Nikki"],
      ["Angela", "Angie"],
      ["Andrea", "Andi"],
      ["Evelyn", "Evie"],
      ["Eleanor", "Ellie Nora"],
      ["Penelope", "Penny"],
      ["Gabrielle", "Gabby"],
      ["Beverly", "Bev"],
      ["Sandra", "Sandy"],
      ["Cheryl", "Cher"],
      ["Johannes", "Hans Jo"],
      ["Maximilian", "Max"],
      ["Katharina", "Kathi Katja"],
      ["Franziska", "Franzi"],
      ["Wolfgang", "Wolf"],
      ["Nicolas", "Nico"],
      ["Guillaume", "Guigui"],
      ["José", "Pepe"],
      ["Francisco", "Paco Pancho"],
      ["Guadalupe", "Lupe"],
      ["Alejandro", "Alex Ale"],
      ["Roberto", "Beto"],
      ["Jesús", "Chuy"],
      ["Eduardo", "Lalo"],
      ["Manuel", "Manny"],
      ["Antonio", "Tony"],
    ] as const
  ).map(([formal, short]) => [formal, short.split(" ")]),
);

const popular = {
  angloFemale:
    "Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty Margaret Sandra Ashley Kimberly Emily Donna Michelle Carol Amanda Dorothy Melissa Deborah Stephanie Rebecca Sharon Laura Cynthia Kathleen Amy Angela Shirley Anna Brenda Pamela Emma Nicole Helen Samantha Katherine Christine Debra Rachel Carolyn Janet Catherine Maria Heather Diane Ruth Julie Olivia Joyce Virginia Victoria Kelly Lauren Christina Joan Evelyn Judith Megan Andrea Cheryl Hannah Jacqueline Martha Gloria Teresa Ann Sara Madison Frances Kathryn Janice Jean Abigail Alice Judy Sophia Grace Denise Amber Doris Marilyn Danielle Beverly Isabella Theresa Diana Natalie Brittany Charlotte Marie Kayla Alexis Lori",
  angloMale:
    "James Robert John Michael David William Richard Joseph Thomas Christopher Charles Daniel Matthew Anthony Mark Donald Steven Andrew Paul Joshua Kenneth Kevin Brian George Timothy Ronald Jason Edward Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan Stephen Larry Justin Scott Brandon Benjamin Samuel Gregory Alexander Patrick Frank Raymond Jack Dennis Jerry Tyler Aaron Adam Nathan Henry Zachary Douglas Peter Kyle Noah Ethan Jeremy Walter Christian Keith Roger Terry Austin Sean Gerald Carl Harold Dylan Arthur Lawrence Jordan Jesse Bryan Billy Bruce Gabriel Joe Logan Alan Albert Willie Elijah Wayne Randy Vincent Mason Roy Ralph Bobby Russell Bradley Philip Eugene",
  angloFamily:
    "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright Scott Hill Green Adams Nelson Baker Hall Campbell Mitchell Carter Roberts Phillips Evans Turner Parker Edwards Collins Stewart Morris Murphy Cook Rogers Morgan Cooper Peterson Bailey Reed Kelly Howard Cox Ward Richardson Watson Brooks Wood James Bennett Gray Hughes Price Sanders Myers Long Ross Foster O'Brien O'Connor McDonald MacLeod Sullivan Russell Hayes Bell Fisher Graham Jenkins Perry Powell Butler Barnes Henderson Coleman Simmons Patterson",
  hispanicFemale:
    "María Guadalupe Ana Rosa Carmen Sofía Isabella Gabriela Daniela Valentina Lucía Elena Adriana Verónica Patricia Alejandra Mariana Claudia Leticia Yolanda",
  hispanicMale:
    "José Juan Luis Carlos Jorge Miguel Francisco Jesús Antonio Alejandro Roberto Manuel Ricardo Eduardo Fernando Javier Pedro Diego Raúl Sergio",
  hispanicFamily:
    "García Rodríguez Martínez Hernández López González Pérez Sánchez Ramírez Torres Flores Rivera Gómez Díaz Reyes Morales Cruz Ortiz Gutiérrez Chávez Ramos Ruiz Álvarez Mendoza Castillo Jiménez Vásquez Romero Herrera Medina Aguilar Vargas Castro Fernández Guzmán Muñoz",
  asianFemale:
    "Mei Ling Yuki Ji-woo Anh Linh Priya Ananya Hana Min-seo Thi Lan Aiko Sakura Jasmine Grace Michelle Jennifer Emily Christine Amy",
  asianMale:
    "Wei Ming Jun Hiroshi Min-jun Raj Arjun Vikram Duc Minh Hoang Kenji Takeshi Sanjay Rahul Kevin David Daniel Andrew Eric Jason",
  asianFamily:
    "Nguyen Kim Lee Chen Wang Li Zhang Liu Patel Singh Tran Le Pham Park Choi Yamamoto Tanaka Sato Wong Huang Shah Kumar Gupta Khan Lin Wu Yang Zhao Ho Chang Vu Hoang Nakamura Kobayashi",
  germanFemale:
    "Anna Maria Katharina Julia Laura Lena Sarah Sabine Petra Monika Claudia Susanne Andrea Stefanie Nicole Elisabeth Franziska Ursula Birgit Karin",
  germanMale:
    "Thomas Michael Andreas Stefan Christian Peter Klaus Wolfgang Jürgen Markus Alexander Maximilian Johannes Lukas Jan Tobias Uwe Frank Dieter Sebastian",
  germanFamily:
    "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange",
  frenchFemale:
    "Marie Nathalie Isabelle Sylvie Catherine Françoise Christine Sophie Camille Léa Manon Chloé Julie Émilie Céline Sandrine Valérie Aurélie Claire Élodie",
  frenchMale:
    "Jean Pierre Michel Philippe Alain Nicolas François Christophe Thomas Julien Lucas Hugo Louis Antoine Guillaume Laurent Olivier Sébastien Mathieu Frédéric",
  frenchFamily:
    "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefebvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André Mercier Dupont Lambert Bonnet François Martinez",
};

function words(text: string): string[] {
  return text.split(" ");
}

/** Popular names first, then the long tail shuffled; weights follow a Zipf law over that order. */
function zipfPool(rng: Rng, head: readonly string[], tail: readonly string[]): WeightedTable<string> {
  const seen = new Set(head);
  const rest = rng.shuffle(tail.filter((name) => !seen.has(name) && /^\p{L}[\p{L}' -]*$/u.test(name)));
  return WeightedTable.zipf([...head, ...new Set(rest)], 1.05, 6);
}

function cultureWeights(entries: [Culture, number][]): WeightedTable<Culture> {
  return new WeightedTable(
    entries.map((e) => e[0]),
    entries.map((e) => e[1]),
  );
}

function uniqueCalls(count: number, make: () => string): string[] {
  const out = new Set<string>();
  for (let i = 0; i < count * 3 && out.size < count; i++) out.add(make());
  return [...out];
}

function slug(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/&/g, "and")
    .replace(/[^a-z0-9]+/g, "");
}

export function buildPools(seed: number): Pools {
  const rng = Rng.from(seed, 0x9001);
  const fakerOf = (locale: (typeof en)[]) => {
    const f = new Faker({ locale: [...locale, en, base] });
    f.seed(seed);
    return f;
  };
  const us = fakerOf([en_US]);
  const gb = fakerOf([en_GB]);
  const ca = fakerOf([en_CA]);
  const au = fakerOf([en_AU]);
  const frFaker = fakerOf([fr]);
  const enNames = en.person!;
  const esNames = es_MX.person!;
  const deNames = de.person!;
  const frNames = fr.person!;

  const names: Record<Culture, NamePool> = {
    anglo: {
      female: zipfPool(rng, words(popular.angloFemale), enNames.first_name!.female ?? []),
      male: zipfPool(rng, words(popular.angloMale), enNames.first_name!.male ?? []),
      family: zipfPool(rng, words(popular.angloFamily), enNames.last_name!.generic ?? []),
    },
    hispanic: {
      female: zipfPool(rng, words(popular.hispanicFemale), esNames.first_name!.female ?? []),
      male: zipfPool(rng, words(popular.hispanicMale), esNames.first_name!.male ?? []),
      family: zipfPool(rng, words(popular.hispanicFamily), esNames.last_name!.generic ?? []),
    },
    asian: {
      female: zipfPool(rng, words(popular.asianFemale), []),
      male: zipfPool(rng, words(popular.asianMale), []),
      family: zipfPool(rng, words(popular.asianFamily), []),
    },
    german: {
      female: zipfPool(rng, words(popular.germanFemale), deNames.first_name!.female ?? []),
      male: zipfPool(rng, words(popular.germanMale), deNames.first_name!.male ?? []),
      family: zipfPool(rng, words(popular.germanFamily), deNames.last_name!.generic ?? []),
    },
    french: {
      female: zipfPool(rng, words(popular.frenchFemale), frNames.first_name!.female ?? []),
      male: zipfPool(rng, words(popular.frenchMale), frNames.first_name!.male ?? []),
      family: zipfPool(rng, words(popular.frenchFamily), frNames.last_name!.generic ?? []),
    },
  };

  const cultures: Record<Country, WeightedTable<Culture>> = {
    US: cultureWeights([
      ["anglo", 0.76],
      ["hispanic", 0.17],
      ["asian", 0.07],
    ]),
    GB: cultureWeights([
      ["anglo", 0.92],
      ["asian", 0.08],
    ]),
    CA: cultureWeights([
      ["anglo", 0.7],
      ["french", 0.22],
      ["asian", 0.08],
    ]),
    AU: cultureWeights([
      ["anglo", 0.9],
      ["asian", 0.1],
    ]),
    DE: cultureWeights([["german", 1]]),
    FR: cultureWeights([["french", 1]]),
  };

  // US and Canadian places: the real cities of each state or province, plus fictional towns for the long tail.
  const usCities: City[] = [];
  for (const [code, name, weight, areaCodes, realCities] of usStates) {
    const real = realCities.split("|");
    const towns = uniqueCalls(6, () => us.location.city()).filter((t) => !real.includes(t));
    const codes = areaCodes.split(" ");
    for (const cityName of real) {
      const zip = us.location.zipCode({ state: code });
      usCities.push({
        name: cityName,
        region: code,
        regionName: name,
        postcode: zip,
        areaCodes: codes,
        weight: (weight * 0.75) / real.length,
      });
    }
    for (const town of towns) {
      const zip = us.location.zipCode({ state: code });
      usCities.push({
        name: town,
        region: code,
        regionName: name,
        postcode: zip,
        areaCodes: codes,
        weight: (weight * 0.25) / towns.length,
      });
    }
  }
  const caCities: City[] = [];
  for (const [code, name, weight, areaCodes, realCities] of caProvinces) {
    const real = realCities.split("|");
    for (const cityName of real) {
      const postcode = ca.location.zipCode({ state: code });
      caCities.push({
        name: cityName,
        region: code,
        regionName: name,
        postcode,
        areaCodes: areaCodes.split(" "),
        weight: weight / real.length,
      });
    }
  }
  const cityLists: Record<Country, City[]> = {
    US: usCities,
    GB: gbCities,
    CA: caCities,
    AU: auCities,
    DE: deCities,
    FR: frCities,
  };
  const cities = {} as Record<Country, WeightedTable<City>>;
  const citiesByRegion = new Map<string, City[]>();
  for (const country of countries) {
    const list = cityLists[country];
    cities[country] = new WeightedTable(
      list,
      list.map((c) => c.weight),
    );
    for (const c of list) {
      const key = `${country}:${c.regionName}`;
      const group = citiesByRegion.get(key);
      if (group) group.push(c);
      else citiesByRegion.set(key, [c]);
    }
  }

  const streets: Record<Country, string[]> = {
    US: uniqueCalls(4000, () => us.location.street()),
    GB: uniqueCalls(1500, () => gb.location.street()),
    CA: uniqueCalls(1500, () => ca.location.street()),
    AU: uniqueCalls(1500, () => au.location.street()),
    DE: [...(de.location!.street_name ?? [])],
    FR: uniqueCalls(1000, () => frFaker.location.street()),
  };

  const companies = uniqueCalls(2500, () => us.company.name()).map((name) => ({
    name,
    domain: `${slug(name.replace(/\b(LLC|Inc|Group)\b/g, "")).slice(0, 24)}.${rng.pick(["com", "com", "com", "io", "co", "net"])}`,
  }));
  const jobTitles = uniqueCalls(400, () => us.person.jobTitle());

  return { names, cultures, cities, citiesByRegion, streets, companies, jobTitles };
}

/** Lower-case ASCII letters and digits only: "José Núñez-O'Brien" → "josenunezobrien". */
export function asciiFold(text: string): string {
  if (/^[A-Za-z]*$/.test(text)) return text.toLowerCase();
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/ß/g, "ss")
    .replace(/[^a-z0-9]/g, "");
}

/** Removes accents but keeps case and punctuation: "Núñez" → "Nunez" (what an ASCII-only system stores). */
export function stripAccents(text: string): string {
  if (/^[\t -~]*$/.test(text)) return text;
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/ß/g, "ss");
}
