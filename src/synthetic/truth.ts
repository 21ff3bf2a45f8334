import { streetLine } from "./addresses.js";
import type { EmittedRecord, SourceName } from "./context.js";
import { countryInfo } from "./countries.js";
import { csvRow } from "./csv.js";
import { emailAt, type Person, residenceAt } from "./person.js";
import { e164 } from "./phones.js";
import { isoDate } from "./time.js";

/**
 * The answer key. truth.csv has one row per generated record in every source: which person (and household)
 * it is about, and whether that "person" is a fake profile or a bot. people.csv lists the real people as
 * they truly are at the data set's "now": the golden profile a perfect resolution would rebuild.
 */

export const truthFile = "truth.csv";
export const truthHeader = "source,source_record_id,person_id,household_id,is_fake\n";

export function truthRow(source: SourceName, record: EmittedRecord): string {
  // ids, person ids and household ids never hold commas, quotes or line breaks
  const s = record.subject;
  return `${source},${record.id},${s.personId},${s.householdId},${s.fake ? "1" : "0"}\n`;
}

export const peopleFile = "people.csv";
export const peopleColumns = [
  "person_id",
  "household_id",
  "title",
  "given_name",
  "middle_name",
  "family_name",
  "suffix",
  "nickname",
  "gender",
  "date_of_birth",
  "email",
  "work_email",
  "mobile",
  "landline",
  "street",
  "city",
  "region",
  "postcode",
  "country",
] as const;
export const peopleHeader = `${peopleColumns.join(",")}\n`;

export function personRow(person: Person, asOf: number): string {
  const household = person.household;
  const address = residenceAt(household, asOf).address;
  return csvRow(
    [
      person.id,
      household.id,
      person.title,
      person.given,
      person.middle,
      person.family,
      person.suffix,
      person.nickname ?? "",
      person.gender,
      isoDate(person.dob),
      emailAt(person, asOf),
      person.workEmail ?? "",
      person.mobile === null ? "" : e164(person.mobile),
      household.landline === null ? "" : e164(household.landline),
      streetLine(address, false),
      address.city,
      address.region,
      address.postcode,
      countryInfo[household.country].code,
    ],
    "\n",
  );
}
