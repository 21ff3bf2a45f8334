/**
 * What differs between the countries the synthetic population lives in: regions and their weights, real
 * cities with their postcode and telephone areas, e-mail providers, spellings of the country's name.
 * Hand-written static tables; the street names and fictional towns come from faker (see pools.ts).
 */

export const countries = ["US", "GB", "CA", "AU", "DE", "FR"] as const;
export type Country = (typeof countries)[number];

/** Share of households in each country: a US-centred customer base with some international customers. */
export const countryWeights: Record<Country, number> = {
  US: 0.84,
  GB: 0.05,
  CA: 0.045,
  AU: 0.03,
  DE: 0.018,
  FR: 0.017,
};

export interface City {
  name: string;
  /** Region code (state, province, county) and its full name; empty where addresses do not use one. */
  region: string;
  regionName: string;
  /** A postcode, or for GB the postcode areas (E, SW…) the city's postcodes start with. */
  postcode: string;
  /** Telephone area codes without the trunk prefix (GB "161", DE "30", AU "2"). */
  areaCodes: string[];
  weight: number;
}

export interface CountryInfo {
  code: Country;
  /** How sources spell the country, most common first. */
  spellings: string[];
  dialCode: string;
  currency: string;
  locale: string;
  /** Share of households with a fixed line. */
  landlineShare: number;
  /** Mobile prefixes (national, without trunk 0) and how many digits follow each. */
  mobilePrefixes: [prefix: string, digits: number][];
  emailProviders: [domain: string, weight: number][];
  /** The usual e-mail Date header offset, in minutes. */
  utcOffset: number;
}

export const countryInfo: Record<Country, CountryInfo> = {
  US: {
    code: "US",
    spellings: ["US", "USA", "United States", "U.S.", "United States of America", "us"],
    dialCode: "1",
    currency: "USD",
    locale: "en-US",
    landlineShare: 0.35,
    mobilePrefixes: [],
    emailProviders: [
      ["gmail.com", 44],
      ["yahoo.com", 14],
      ["hotmail.com", 7],
      ["outlook.com", 8],
      ["aol.com", 4],
      ["icloud.com", 8],
      ["comcast.net", 3],
      ["att.net", 2],
      ["verizon.net", 1.5],
      ["msn.com", 1.5],
      ["me.com", 1.5],
      ["live.com", 2],
      ["protonmail.com", 1.5],
      ["sbcglobal.net", 1],
      ["bellsouth.net", 1],
    ],
    utcOffset: -300,
  },
  GB: {
    code: "GB",
    spellings: ["GB", "UK", "United Kingdom", "England", "Great Britain", "U.K."],
    dialCode: "44",
    currency: "GBP",
    locale: "en-GB",
    landlineShare: 0.55,
    mobilePrefixes: [
      ["74", 8],
      ["75", 8],
      ["77", 8],
      ["78", 8],
      ["79", 8],
    ],
    emailProviders: [
      ["gmail.com", 35],
      ["hotmail.co.uk", 15],
      ["yahoo.co.uk", 10],
      ["btinternet.com", 8],
      ["outlook.com", 10],
      ["sky.com", 5],
      ["live.co.uk", 5],
      ["icloud.com", 6],
      ["virginmedia.com", 3],
      ["talktalk.net", 3],
    ],
    utcOffset: 0,
  },
  CA: {
    code: "CA",
    spellings: ["CA", "Canada", "CAN", "canada"],
    dialCode: "1",
    currency: "CAD",
    locale: "en-CA",
    landlineShare: 0.4,
    mobilePrefixes: [],
    emailProviders: [
      ["gmail.com", 40],
      ["hotmail.com", 14],
      ["yahoo.ca", 8],
      ["outlook.com", 10],
      ["shaw.ca", 5],
      ["rogers.com", 5],
      ["sympatico.ca", 4],
      ["icloud.com", 7],
      ["videotron.ca", 3],
      ["telus.net", 4],
    ],
    utcOffset: -300,
  },
  AU: {
    code: "AU",
    spellings: ["AU", "Australia", "AUS", "australia"],
    dialCode: "61",
    currency: "AUD",
    locale: "en-AU",
    landlineShare: 0.35,
    mobilePrefixes: [["4", 8]],
    emailProviders: [
      ["gmail.com", 42],
      ["bigpond.com", 12],
      ["hotmail.com", 10],
      ["outlook.com", 10],
      ["yahoo.com.au", 8],
      ["optusnet.com.au", 6],
      ["icloud.com", 8],
      ["iinet.net.au", 4],
    ],
    utcOffset: 600,
  },
  DE: {
    code: "DE",
    spellings: ["DE", "Germany", "Deutschland", "DEU", "germany"],
    dialCode: "49",
    currency: "EUR",
    locale: "de-DE",
    landlineShare: 0.7,
    mobilePrefixes: [
      ["151", 8],
      ["152", 8],
      ["157", 8],
      ["160", 7],
      ["170", 7],
      ["171", 7],
      ["172", 7],
      ["173", 7],
      ["174", 7],
      ["175", 7],
      ["176", 8],
      ["177", 7],
      ["178", 7],
      ["179", 7],
    ],
    emailProviders: [
      ["gmx.de", 25],
      ["web.de", 25],
      ["t-online.de", 14],
      ["gmail.com", 22],
      ["yahoo.de", 4],
      ["outlook.de", 5],
      ["posteo.de", 2],
      ["freenet.de", 3],
    ],
    utcOffset: 60,
  },
  FR: {
    code: "FR",
    spellings: ["FR", "France", "FRA", "france", "République française"],
    dialCode: "33",
    currency: "EUR",
    locale: "fr-FR",
    landlineShare: 0.6,
    mobilePrefixes: [
      ["6", 8],
      ["7", 8],
    ],
    emailProviders: [
      ["gmail.com", 35],
      ["orange.fr", 15],
      ["free.fr", 10],
      ["hotmail.fr", 10],
      ["laposte.net", 6],
      ["sfr.fr", 7],
      ["yahoo.fr", 7],
      ["wanadoo.fr", 5],
      ["outlook.fr", 5],
    ],
    utcOffset: 60,
  },
};

/** US states: code, name, relative population, real area codes and a few real cities. */
export const usStates: [code: string, name: string, weight: number, areaCodes: string, cities: string][] = [
  ["AL", "Alabama", 5.1, "205 251 256 334", "Birmingham|Montgomery|Huntsville|Mobile"],
  ["AK", "Alaska", 0.7, "907", "Anchorage|Fairbanks|Juneau"],
  ["AZ", "Arizona", 7.4, "480 520 602 623 928", "Phoenix|Tucson|Mesa|Scottsdale|Chandler"],
  ["AR", "Arkansas", 3, "479 501 870", "Little Rock|Fayetteville|Fort Smith"],
  [
    "CA",
    "California",
    39,
    "213 310 415 510 530 559 619 626 650 707 714 760 805 818 858 909 916 925 949",
    "Los Angeles|San Diego|San Jose|San Francisco|Fresno|Sacramento|Long Beach|Oakland|Bakersfield|Anaheim|Irvine|Pasadena",
  ],
  ["CO", "Colorado", 5.8, "303 719 720 970", "Denver|Colorado Springs|Aurora|Fort Collins|Boulder"],
  ["CT", "Connecticut", 3.6, "203 860", "Bridgeport|New Haven|Hartford|Stamford"],
  ["DE", "Delaware", 1, "302", "Wilmington|Dover|Newark"],
  ["DC", "District of Columbia", 0.7, "202", "Washington"],
  [
    "FL",
    "Florida",
    22,
    "305 321 352 386 407 561 727 754 772 813 850 904 941 954",
    "Jacksonville|Miami|Tampa|Orlando|St. Petersburg|Tallahassee|Fort Lauderdale",
  ],
  ["GA", "Georgia", 11, "404 470 678 706 770 912", "Atlanta|Savannah|Augusta|Athens|Macon"],
  ["HI", "Hawaii", 1.4, "808", "Honolulu|Hilo|Kailua"],
  ["ID", "Idaho", 1.9, "208", "Boise|Meridian|Nampa"],
  [
    "IL",
    "Illinois",
    12.5,
    "217 309 312 630 708 773 815 847",
    "Chicago|Aurora|Naperville|Rockford|Springfield|Peoria",
  ],
  ["IN", "Indiana", 6.8, "219 260 317 574 765 812", "Indianapolis|Fort Wayne|Evansville|South Bend"],
  ["IA", "Iowa", 3.2, "319 515 563 712", "Des Moines|Cedar Rapids|Davenport|Iowa City"],
  ["KS", "Kansas", 2.9, "316 620 785 913", "Wichita|Overland Park|Kansas City|Topeka"],
  ["KY", "Kentucky", 4.5, "270 502 606 859", "Louisville|Lexington|Bowling Green"],
  ["LA", "Louisiana", 4.6, "225 318 337 504 985", "New Orleans|Baton Rouge|Shreveport|Lafayette"],
  ["ME", "Maine", 1.4, "207", "Portland|Lewiston|Bangor"],
  ["MD", "Maryland", 6.2, "240 301 410 443", "Baltimore|Frederick|Rockville|Gaithersburg|Annapolis"],
  ["MA", "Massachusetts", 7, "413 508 617 781 978", "Boston|Worcester|Springfield|Cambridge|Lowell"],
  [
    "MI",
    "Michigan",
    10,
    "231 248 269 313 517 586 616 734 810 906",
    "Detroit|Grand Rapids|Warren|Ann Arbor|Lansing",
  ],
  ["MN", "Minnesota", 5.7, "218 320 507 612 651 763 952", "Minneapolis|St. Paul|Rochester|Duluth"],
  ["MS", "Mississippi", 2.9, "228 601 662", "Jackson|Gulfport|Hattiesburg"],
  ["MO", "Missouri", 6.2, "314 417 573 636 816", "Kansas City|St. Louis|Springfield|Columbia"],
  ["MT", "Montana", 1.1, "406", "Billings|Missoula|Bozeman"],
  ["NE", "Nebraska", 2, "308 402", "Omaha|Lincoln"],
  ["NV", "Nevada", 3.2, "702 775", "Las Vegas|Henderson|Reno"],
  ["NH", "New Hampshire", 1.4, "603", "Manchester|Nashua|Concord"],
  ["NJ", "New Jersey", 9.3, "201 609 732 856 908 973", "Newark|Jersey City|Paterson|Trenton|Hoboken"],
  ["NM", "New Mexico", 2.1, "505 575", "Albuquerque|Santa Fe|Las Cruces"],
  [
    "NY",
    "New York",
    19.5,
    "212 315 347 516 518 585 607 631 716 718 845 914 917",
    "New York|Brooklyn|Buffalo|Rochester|Yonkers|Syracuse|Albany",
  ],
  [
    "NC",
    "North Carolina",
    10.8,
    "252 336 704 828 910 919 980",
    "Charlotte|Raleigh|Greensboro|Durham|Asheville",
  ],
  ["ND", "North Dakota", 0.8, "701", "Fargo|Bismarck"],
  [
    "OH",
    "Ohio",
    11.8,
    "216 330 419 440 513 614 740 937",
    "Columbus|Cleveland|Cincinnati|Toledo|Akron|Dayton",
  ],
  ["OK", "Oklahoma", 4, "405 580 918", "Oklahoma City|Tulsa|Norman"],
  ["OR", "Oregon", 4.2, "503 541 971", "Portland|Eugene|Salem|Bend"],
  [
    "PA",
    "Pennsylvania",
    13,
    "215 267 412 484 570 610 717 724 814",
    "Philadelphia|Pittsburgh|Allentown|Erie|Harrisburg",
  ],
  ["RI", "Rhode Island", 1.1, "401", "Providence|Warwick|Cranston"],
  ["SC", "South Carolina", 5.3, "803 843 864", "Charleston|Columbia|Greenville"],
  ["SD", "South Dakota", 0.9, "605", "Sioux Falls|Rapid City"],
  ["TN", "Tennessee", 7, "423 615 731 865 901 931", "Nashville|Memphis|Knoxville|Chattanooga"],
  [
    "TX",
    "Texas",
    30,
    "210 214 254 281 361 409 432 512 713 806 817 830 832 903 915 936 940 956 972 979",
    "Houston|San Antonio|Dallas|Austin|Fort Worth|El Paso|Arlington|Plano",
  ],
  ["UT", "Utah", 3.4, "385 435 801", "Salt Lake City|Provo|Ogden"],
  ["VT", "Vermont", 0.6, "802", "Burlington|Montpelier"],
  [
    "VA",
    "Virginia",
    8.7,
    "276 434 540 571 703 757 804",
    "Virginia Beach|Richmond|Norfolk|Arlington|Alexandria",
  ],
  ["WA", "Washington", 7.8, "206 253 360 425 509", "Seattle|Spokane|Tacoma|Bellevue|Vancouver"],
  ["WV", "West Virginia", 1.8, "304", "Charleston|Huntington|Morgantown"],
  ["WI", "Wisconsin", 5.9, "262 414 608 715 920", "Milwaukee|Madison|Green Bay"],
  ["WY", "Wyoming", 0.6, "307", "Cheyenne|Casper"],
];

/** Canadian provinces: code, name, relative population, area codes, cities. */
export const caProvinces: [code: string, name: string, weight: number, areaCodes: string, cities: string][] =
  [
    [
      "ON",
      "Ontario",
      39,
      "416 647 437 905 289 613 519 705",
      "Toronto|Ottawa|Mississauga|Hamilton|London|Brampton|Markham|Kitchener",
    ],
    ["QC", "Quebec", 22, "514 438 450 418 581 819", "Montréal|Québec|Laval|Gatineau|Sherbrooke"],
    ["BC", "British Columbia", 13.5, "604 778 236 250", "Vancouver|Surrey|Burnaby|Victoria|Kelowna"],
    ["AB", "Alberta", 11.5, "403 587 780 825", "Calgary|Edmonton|Red Deer|Lethbridge"],
    ["MB", "Manitoba", 3.6, "204 431", "Winnipeg|Brandon"],
    ["SK", "Saskatchewan", 3, "306 639", "Saskatoon|Regina"],
    ["NS", "Nova Scotia", 2.6, "902 782", "Halifax|Dartmouth"],
    ["NB", "New Brunswick", 2.1, "506", "Moncton|Saint John|Fredericton"],
    ["NL", "Newfoundland and Labrador", 1.4, "709", "St. John's|Mount Pearl"],
    ["PE", "Prince Edward Island", 0.4, "902", "Charlottetown"],
  ];

function city(
  name: string,
  region: string,
  regionName: string,
  postcode: string,
  areaCodes: string,
  weight: number,
): City {
  return { name, region, regionName, postcode, areaCodes: areaCodes.split(" "), weight };
}

/** UK towns: postcode areas, county, dialling codes (without 0). */
export const gbCities: City[] = [
  city("London", "", "Greater London", "E N SE SW W NW EC WC", "20", 9),
  city("Birmingham", "", "West Midlands", "B", "121", 1.1),
  city("Manchester", "", "Greater Manchester", "M", "161", 0.9),
  city("Leeds", "", "West Yorkshire", "LS", "113", 0.8),
  city("Glasgow", "", "Lanarkshire", "G", "141", 0.6),
  city("Liverpool", "", "Merseyside", "L", "151", 0.5),
  city("Bristol", "", "Bristol", "BS", "117", 0.5),
  city("Sheffield", "", "South Yorkshire", "S", "114", 0.55),
  city("Edinburgh", "", "Midlothian", "EH", "131", 0.5),
  city("Cardiff", "", "South Glamorgan", "CF", "29", 0.35),
  city("Leicester", "", "Leicestershire", "LE", "116", 0.35),
  city("Nottingham", "", "Nottinghamshire", "NG", "115", 0.33),
  city("Newcastle upon Tyne", "", "Tyne and Wear", "NE", "191", 0.3),
  city("Brighton", "", "East Sussex", "BN", "1273", 0.28),
  city("Oxford", "", "Oxfordshire", "OX", "1865", 0.15),
  city("Cambridge", "", "Cambridgeshire", "CB", "1223", 0.14),
  city("Reading", "", "Berkshire", "RG", "118", 0.17),
  city("York", "", "North Yorkshire", "YO", "1904", 0.2),
  city("Belfast", "", "County Antrim", "BT", "28", 0.35),
  city("Southampton", "", "Hampshire", "SO", "23", 0.25),
  city("Norwich", "", "Norfolk", "NR", "1603", 0.15),
  city("Coventry", "", "West Midlands", "CV", "24", 0.35),
  city("Bath", "", "Somerset", "BA", "1225", 0.1),
  city("Exeter", "", "Devon", "EX", "1392", 0.13),
  city("Aberdeen", "", "Aberdeenshire", "AB", "1224", 0.2),
];

/** Australian cities: state, a base postcode, the state's area code. */
export const auCities: City[] = [
  city("Sydney", "NSW", "New South Wales", "2000", "2", 5.3),
  city("Newcastle", "NSW", "New South Wales", "2300", "2", 0.5),
  city("Wollongong", "NSW", "New South Wales", "2500", "2", 0.3),
  city("Parramatta", "NSW", "New South Wales", "2150", "2", 0.3),
  city("Melbourne", "VIC", "Victoria", "3000", "3", 5),
  city("Geelong", "VIC", "Victoria", "3220", "3", 0.3),
  city("Ballarat", "VIC", "Victoria", "3350", "3", 0.1),
  city("Bendigo", "VIC", "Victoria", "3550", "3", 0.1),
  city("Brisbane", "QLD", "Queensland", "4000", "7", 2.5),
  city("Gold Coast", "QLD", "Queensland", "4217", "7", 0.7),
  city("Cairns", "QLD", "Queensland", "4870", "7", 0.15),
  city("Townsville", "QLD", "Queensland", "4810", "7", 0.18),
  city("Toowoomba", "QLD", "Queensland", "4350", "7", 0.14),
  city("Perth", "WA", "Western Australia", "6000", "8", 2.1),
  city("Fremantle", "WA", "Western Australia", "6160", "8", 0.1),
  city("Bunbury", "WA", "Western Australia", "6230", "8", 0.07),
  city("Adelaide", "SA", "South Australia", "5000", "8", 1.4),
  city("Mount Gambier", "SA", "South Australia", "5290", "8", 0.03),
  city("Hobart", "TAS", "Tasmania", "7000", "3", 0.25),
  city("Launceston", "TAS", "Tasmania", "7250", "3", 0.09),
  city("Canberra", "ACT", "Australian Capital Territory", "2600", "2", 0.45),
  city("Darwin", "NT", "Northern Territory", "0800", "8", 0.15),
  city("Alice Springs", "NT", "Northern Territory", "0870", "8", 0.03),
];

/** German cities: a base Postleitzahl, Bundesland, Vorwahl without 0. */
export const deCities: City[] = [
  city("Berlin", "BE", "Berlin", "10115", "30", 3.7),
  city("Hamburg", "HH", "Hamburg", "20095", "40", 1.9),
  city("München", "BY", "Bayern", "80331", "89", 1.5),
  city("Köln", "NW", "Nordrhein-Westfalen", "50667", "221", 1.1),
  city("Frankfurt am Main", "HE", "Hessen", "60311", "69", 0.75),
  city("Stuttgart", "BW", "Baden-Württemberg", "70173", "711", 0.63),
  city("Düsseldorf", "NW", "Nordrhein-Westfalen", "40210", "211", 0.62),
  city("Leipzig", "SN", "Sachsen", "04109", "341", 0.6),
  city("Dortmund", "NW", "Nordrhein-Westfalen", "44135", "231", 0.59),
  city("Essen", "NW", "Nordrhein-Westfalen", "45127", "201", 0.58),
  city("Bremen", "HB", "Bremen", "28195", "421", 0.56),
  city("Dresden", "SN", "Sachsen", "01067", "351", 0.55),
  city("Hannover", "NI", "Niedersachsen", "30159", "511", 0.53),
  city("Nürnberg", "BY", "Bayern", "90402", "911", 0.51),
];

/** French cities: a base code postal, région, the first digit of the number after 0. */
export const frCities: City[] = [
  city("Paris", "IDF", "Île-de-France", "75001", "1", 2.1),
  city("Marseille", "PAC", "Provence-Alpes-Côte d'Azur", "13001", "4", 0.87),
  city("Lyon", "ARA", "Auvergne-Rhône-Alpes", "69001", "4", 0.52),
  city("Toulouse", "OCC", "Occitanie", "31000", "5", 0.5),
  city("Nice", "PAC", "Provence-Alpes-Côte d'Azur", "06000", "4", 0.34),
  city("Nantes", "PDL", "Pays de la Loire", "44000", "2", 0.32),
  city("Strasbourg", "GES", "Grand Est", "67000", "3", 0.29),
  city("Montpellier", "OCC", "Occitanie", "34000", "4", 0.3),
  city("Bordeaux", "NAQ", "Nouvelle-Aquitaine", "33000", "5", 0.26),
  city("Lille", "HDF", "Hauts-de-France", "59000", "3", 0.23),
  city("Rennes", "BRE", "Bretagne", "35000", "2", 0.22),
  city("Reims", "GES", "Grand Est", "51100", "3", 0.18),
];
