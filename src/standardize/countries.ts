import { fold } from "./fold.js";

/**
 * Countries: ISO 3166-1 alpha-2 from whatever a source wrote — the code (alpha-2 or alpha-3), the English
 * short name, or a common variant (USA, U.S.A., UK, Great Britain, England, Holland, Deutschland, España …).
 * Our own table; Kosovo (XK, not yet in ISO 3166-1) is included because real data uses it.
 */

// alpha-2 | alpha-3 | English short name | variants (separated by ";")
const TABLE = `AD|AND|Andorra|
AE|ARE|United Arab Emirates|UAE;U.A.E.;Emirates
AF|AFG|Afghanistan|
AG|ATG|Antigua and Barbuda|Antigua
AI|AIA|Anguilla|
AL|ALB|Albania|Shqiperia
AM|ARM|Armenia|Hayastan
AO|AGO|Angola|
AQ|ATA|Antarctica|
AR|ARG|Argentina|Republica Argentina
AS|ASM|American Samoa|
AT|AUT|Austria|Osterreich;Oesterreich;Autriche
AU|AUS|Australia|Aust;Commonwealth of Australia
AW|ABW|Aruba|
AX|ALA|Aland Islands|Aland
AZ|AZE|Azerbaijan|
BA|BIH|Bosnia and Herzegovina|Bosnia;Bosnia Herzegovina;Bosna i Hercegovina;BiH
BB|BRB|Barbados|
BD|BGD|Bangladesh|
BE|BEL|Belgium|Belgique;Belgie;Belgien;Belgio;Belgica
BF|BFA|Burkina Faso|
BG|BGR|Bulgaria|Balgariya
BH|BHR|Bahrain|
BI|BDI|Burundi|
BJ|BEN|Benin|
BL|BLM|Saint Barthelemy|St Barts;St Barths;Saint Barths
BM|BMU|Bermuda|
BN|BRN|Brunei Darussalam|Brunei
BO|BOL|Bolivia|Plurinational State of Bolivia;Bolivia Plurinational State of
BQ|BES|Bonaire, Sint Eustatius and Saba|Caribbean Netherlands;Bonaire
BR|BRA|Brazil|Brasil;Bresil;Brasilien;Republica Federativa do Brasil
BS|BHS|Bahamas|
BT|BTN|Bhutan|
BV|BVT|Bouvet Island|
BW|BWA|Botswana|
BY|BLR|Belarus|Byelorussia;Belorussia;Belarus Republic
BZ|BLZ|Belize|
CA|CAN|Canada|
CC|CCK|Cocos (Keeling) Islands|Cocos Islands;Keeling Islands
CD|COD|Democratic Republic of the Congo|DR Congo;DRC;Congo Kinshasa;Congo Democratic Republic;Congo Democratic Republic of the;Zaire;Republique Democratique du Congo
CF|CAF|Central African Republic|Centrafrique
CG|COG|Congo|Republic of the Congo;Congo Brazzaville;Congo Republic
CH|CHE|Switzerland|Schweiz;Suisse;Svizzera;Svizra;Confoederatio Helvetica;Swiss Confederation
CI|CIV|Cote d'Ivoire|Ivory Coast;Cote dIvoire
CK|COK|Cook Islands|
CL|CHL|Chile|
CM|CMR|Cameroon|Cameroun
CN|CHN|China|People's Republic of China;PRC;P.R.C.;P.R. China;PR China;Mainland China;Zhongguo;中国;中國;中华人民共和国
CO|COL|Colombia|
CR|CRI|Costa Rica|
CU|CUB|Cuba|
CV|CPV|Cabo Verde|Cape Verde
CW|CUW|Curacao|
CX|CXR|Christmas Island|
CY|CYP|Cyprus|Kypros;Kibris
CZ|CZE|Czechia|Czech Republic;Cesko;Ceska Republika;Tschechien;Republique tcheque
DE|DEU|Germany|Deutschland;Allemagne;Alemania;Germania;Duitsland;Federal Republic of Germany;Bundesrepublik Deutschland;BRD
DJ|DJI|Djibouti|
DK|DNK|Denmark|Danmark;Danemark;Daenemark;Dinamarca
DM|DMA|Dominica|
DO|DOM|Dominican Republic|Republica Dominicana
DZ|DZA|Algeria|Algerie
EC|ECU|Ecuador|
EE|EST|Estonia|Eesti
EG|EGY|Egypt|Misr
EH|ESH|Western Sahara|
ER|ERI|Eritrea|
ES|ESP|Spain|Espana;Espagne;Spanien;Spagna;Reino de Espana
ET|ETH|Ethiopia|
FI|FIN|Finland|Suomi;Finnland;Finlande
FJ|FJI|Fiji|
FK|FLK|Falkland Islands|Falklands;Malvinas;Islas Malvinas;Falkland Islands (Malvinas)
FM|FSM|Micronesia|Federated States of Micronesia;Micronesia Federated States of
FO|FRO|Faroe Islands|Faroes;Faeroe Islands;Foroyar
FR|FRA|France|Frankreich;Francia;Frankrijk;Republique francaise
GA|GAB|Gabon|
GB|GBR|United Kingdom|UK;U.K.;Great Britain;Britain;England;Scotland;Wales;Northern Ireland;United Kingdom of Great Britain and Northern Ireland;Royaume Uni;Vereinigtes Konigreich;Reino Unido;Regno Unito;Verenigd Koninkrijk;Grossbritannien;Gran Bretana;Angleterre;Inglaterra;Ecosse;Schottland
GD|GRD|Grenada|
GE|GEO|Georgia|Sakartvelo
GF|GUF|French Guiana|Guyane;Guyane francaise
GG|GGY|Guernsey|
GH|GHA|Ghana|
GI|GIB|Gibraltar|
GL|GRL|Greenland|Kalaallit Nunaat;Gronland
GM|GMB|Gambia|
GN|GIN|Guinea|Guinee
GP|GLP|Guadeloupe|
GQ|GNQ|Equatorial Guinea|
GR|GRC|Greece|Hellas;Ellada;Ελλάδα;Griechenland;Grece;Grecia
GS|SGS|South Georgia and the South Sandwich Islands|South Georgia
GT|GTM|Guatemala|
GU|GUM|Guam|
GW|GNB|Guinea-Bissau|
GY|GUY|Guyana|
HK|HKG|Hong Kong|Hongkong;Hong Kong SAR;香港
HM|HMD|Heard Island and McDonald Islands|
HN|HND|Honduras|
HR|HRV|Croatia|Hrvatska;Kroatien
HT|HTI|Haiti|
HU|HUN|Hungary|Magyarorszag;Ungarn;Hongrie
ID|IDN|Indonesia|
IE|IRL|Ireland|Eire;Republic of Ireland;Irland;Irlande;Irlanda
IL|ISR|Israel|
IM|IMN|Isle of Man|
IN|IND|India|Bharat;Indien;Inde
IO|IOT|British Indian Ocean Territory|
IQ|IRQ|Iraq|
IR|IRN|Iran|Islamic Republic of Iran;Iran Islamic Republic of;Persia
IS|ISL|Iceland|Island
IT|ITA|Italy|Italia;Italie;Italien
JE|JEY|Jersey|
JM|JAM|Jamaica|
JO|JOR|Jordan|
JP|JPN|Japan|Nippon;Nihon;日本;Japon
KE|KEN|Kenya|
KG|KGZ|Kyrgyzstan|Kirghizia;Kyrgyz Republic
KH|KHM|Cambodia|Kampuchea
KI|KIR|Kiribati|
KM|COM|Comoros|
KN|KNA|Saint Kitts and Nevis|St Kitts;Saint Kitts
KP|PRK|North Korea|Democratic People's Republic of Korea;DPRK;Korea Democratic People's Republic of
KR|KOR|South Korea|Korea;Republic of Korea;Korea Republic of;Korea South;대한민국;한국
KW|KWT|Kuwait|
KY|CYM|Cayman Islands|Caymans
KZ|KAZ|Kazakhstan|
LA|LAO|Laos|Lao People's Democratic Republic;Lao PDR
LB|LBN|Lebanon|Liban
LC|LCA|Saint Lucia|
LI|LIE|Liechtenstein|
LK|LKA|Sri Lanka|Ceylon
LR|LBR|Liberia|
LS|LSO|Lesotho|
LT|LTU|Lithuania|Lietuva
LU|LUX|Luxembourg|Luxemburg;Letzebuerg
LV|LVA|Latvia|Latvija
LY|LBY|Libya|
MA|MAR|Morocco|Maroc;Marruecos;Marokko
MC|MCO|Monaco|
MD|MDA|Moldova|Republic of Moldova;Moldova Republic of
ME|MNE|Montenegro|Crna Gora
MF|MAF|Saint Martin|Saint Martin (French part)
MG|MDG|Madagascar|
MH|MHL|Marshall Islands|
MK|MKD|North Macedonia|Macedonia;FYROM;Republic of North Macedonia;Severna Makedonija
ML|MLI|Mali|
MM|MMR|Myanmar|Burma
MN|MNG|Mongolia|
MO|MAC|Macao|Macau
MP|MNP|Northern Mariana Islands|
MQ|MTQ|Martinique|
MR|MRT|Mauritania|
MS|MSR|Montserrat|
MT|MLT|Malta|
MU|MUS|Mauritius|
MV|MDV|Maldives|
MW|MWI|Malawi|
MX|MEX|Mexico|Mejico;Estados Unidos Mexicanos;Mexique
MY|MYS|Malaysia|
MZ|MOZ|Mozambique|Mocambique
NA|NAM|Namibia|
NC|NCL|New Caledonia|Nouvelle Caledonie
NE|NER|Niger|
NF|NFK|Norfolk Island|
NG|NGA|Nigeria|
NI|NIC|Nicaragua|
NL|NLD|Netherlands|Holland;Nederland;Pays Bas;Niederlande;Paises Bajos;Paesi Bassi;Kingdom of the Netherlands
NO|NOR|Norway|Norge;Noreg;Norwegen;Norvege;Noruega
NP|NPL|Nepal|
NR|NRU|Nauru|
NU|NIU|Niue|
NZ|NZL|New Zealand|Aotearoa;Nouvelle Zelande;Neuseeland
OM|OMN|Oman|
PA|PAN|Panama|
PE|PER|Peru|
PF|PYF|French Polynesia|Polynesie francaise;Tahiti
PG|PNG|Papua New Guinea|
PH|PHL|Philippines|Pilipinas;Filipinas
PK|PAK|Pakistan|
PL|POL|Poland|Polska;Pologne;Polen;Polonia
PM|SPM|Saint Pierre and Miquelon|
PN|PCN|Pitcairn|Pitcairn Islands
PR|PRI|Puerto Rico|
PS|PSE|Palestine|State of Palestine;Palestinian Territories;Palestinian Territory;Palestine State of;West Bank;Gaza
PT|PRT|Portugal|
PW|PLW|Palau|
PY|PRY|Paraguay|
QA|QAT|Qatar|
RE|REU|Reunion|La Reunion
RO|ROU|Romania|Roumanie;Rumanien
RS|SRB|Serbia|Srbija;Serbien
RU|RUS|Russia|Russian Federation;Rossiya;Rossija;Russland;Russie;Rusia;Россия;Российская Федерация
RW|RWA|Rwanda|
SA|SAU|Saudi Arabia|KSA;Kingdom of Saudi Arabia
SB|SLB|Solomon Islands|
SC|SYC|Seychelles|
SD|SDN|Sudan|
SE|SWE|Sweden|Sverige;Schweden;Suede;Suecia
SG|SGP|Singapore|Singapura
SH|SHN|Saint Helena, Ascension and Tristan da Cunha|Saint Helena;Ascension Island;Tristan da Cunha
SI|SVN|Slovenia|Slovenija
SJ|SJM|Svalbard and Jan Mayen|Svalbard
SK|SVK|Slovakia|Slovensko;Slovak Republic
SL|SLE|Sierra Leone|
SM|SMR|San Marino|
SN|SEN|Senegal|
SO|SOM|Somalia|
SR|SUR|Suriname|Surinam
SS|SSD|South Sudan|
ST|STP|Sao Tome and Principe|
SV|SLV|El Salvador|
SX|SXM|Sint Maarten|Sint Maarten (Dutch part)
SY|SYR|Syria|Syrian Arab Republic
SZ|SWZ|Eswatini|Swaziland
TC|TCA|Turks and Caicos Islands|Turks and Caicos
TD|TCD|Chad|Tchad
TF|ATF|French Southern Territories|French Southern and Antarctic Lands
TG|TGO|Togo|
TH|THA|Thailand|Siam;Prathet Thai
TJ|TJK|Tajikistan|
TK|TKL|Tokelau|
TL|TLS|Timor-Leste|East Timor
TM|TKM|Turkmenistan|
TN|TUN|Tunisia|Tunisie
TO|TON|Tonga|
TR|TUR|Turkey|Turkiye;Türkiye;Republic of Turkey;Turquie;Turkei
TT|TTO|Trinidad and Tobago|Trinidad
TV|TUV|Tuvalu|
TW|TWN|Taiwan|Republic of China;ROC;Taiwan Province of China;Chinese Taipei;臺灣;台灣
TZ|TZA|Tanzania|United Republic of Tanzania;Tanzania United Republic of
UA|UKR|Ukraine|Ukraina;Україна
UG|UGA|Uganda|
UM|UMI|United States Minor Outlying Islands|
US|USA|United States|United States of America;U.S.A.;U.S.;America;United States (US);Estados Unidos;EEUU;EE.UU.;EE UU;Etats Unis;Vereinigte Staaten;Stati Uniti;Verenigde Staten;Amerika
UY|URY|Uruguay|
UZ|UZB|Uzbekistan|
VA|VAT|Holy See|Vatican;Vatican City;Vatican City State;Holy See (Vatican City State)
VC|VCT|Saint Vincent and the Grenadines|Saint Vincent
VE|VEN|Venezuela|Bolivarian Republic of Venezuela;Venezuela Bolivarian Republic of
VG|VGB|British Virgin Islands|Virgin Islands British;BVI
VI|VIR|United States Virgin Islands|US Virgin Islands;U.S. Virgin Islands;USVI;Virgin Islands US;Virgin Islands U.S.
VN|VNM|Vietnam|Viet Nam
VU|VUT|Vanuatu|
WF|WLF|Wallis and Futuna|
WS|WSM|Samoa|Western Samoa
XK|XKX|Kosovo|Kosova
YE|YEM|Yemen|
YT|MYT|Mayotte|
ZA|ZAF|South Africa|RSA;Suid Afrika;Republic of South Africa;Sudafrika;Afrique du Sud
ZM|ZMB|Zambia|
ZW|ZWE|Zimbabwe|`;

/** Words dropped from multi-word names before comparing: "the", "and", "of"; "saint" is written "st". */
const FILLER = new Set(["the", "and", "of"]);

function keyOf(text: string): string {
  const tokens = fold(text).split(" ");
  if (tokens.length === 1) return tokens[0]!;
  let key = "";
  for (const token of tokens) {
    if (FILLER.has(token)) continue;
    key += token === "saint" ? "st" : token;
  }
  return key;
}

const byKey = new Map<string, string>();
const names = new Map<string, string>();
const alpha3s = new Map<string, string>();

for (const row of TABLE.split("\n")) {
  const [alpha2, alpha3, name, variants] = row.split("|") as [string, string, string, string];
  names.set(alpha2, name);
  alpha3s.set(alpha2, alpha3);
  byKey.set(alpha2.toLowerCase(), alpha2);
  byKey.set(alpha3.toLowerCase(), alpha2);
  for (const text of [name, ...(variants === "" ? [] : variants.split(";"))]) {
    const key = keyOf(text);
    if (key !== "" && !byKey.has(key)) byKey.set(key, alpha2);
  }
}

/** ISO 3166-1 alpha-2 (upper case) of a country written as a code or a name, or null when unknown. */
export function countryCode(text: string): string | null {
  if (typeof text !== "string" || text.length > 80) return null;
  const key = keyOf(text);
  return key === "" ? null : (byKey.get(key) ?? null);
}

/** True when `code` is an ISO 3166-1 alpha-2 code we know (case-insensitive). */
export function isCountryCode(code: string): boolean {
  return typeof code === "string" && code.length === 2 && names.has(code.toUpperCase());
}

/** The English short name of an alpha-2 code ("GB" → "United Kingdom"), or null. */
export function countryName(alpha2: string): string | null {
  return typeof alpha2 === "string" ? (names.get(alpha2.toUpperCase()) ?? null) : null;
}

/** The alpha-3 code of an alpha-2 code ("DE" → "DEU"), or null. */
export function countryAlpha3(alpha2: string): string | null {
  return typeof alpha2 === "string" ? (alpha3s.get(alpha2.toUpperCase()) ?? null) : null;
}

/** How many countries are known (for tests). */
export const COUNTRY_COUNT = TABLE.split("\n").length;
