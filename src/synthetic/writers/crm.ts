import { type Address, streetLine } from "../addresses.js";
import { type ChunkContext, emit, type Subject } from "../context.js";
import { type Country, countryInfo } from "../countries.js";
import { csvRow } from "../csv.js";
import { emailAt, mobileAt, type Person, previousResidence, residenceAt } from "../person.js";
import { formatPhone, type Phone } from "../phones.js";
import { DAY, type DateStyle, formatDate, isoTimestamp } from "../time.js";

/**
 * crm.csv — a CRM export: one row per customer account, entered by store staff and call-centre agents.
 * A person may have several accounts (duplicates made years apart: an older one keeps the old address and
 * e-mail). Dates of birth come in mixed spellings, country and state in several forms, ZIP codes sometimes
 * lose their leading zero (spreadsheet damage). Written with CRLF line ends and a UTF-8 byte-order mark,
 * as spreadsheet tools export.
 */

export const crmFile = "crm.csv";
export const crmColumns = [
  "customer_id",
  "title",
  "first_name",
  "last_name",
  "email",
  "phone",
  "street",
  "city",
  "state",
  "zip",
  "country",
  "date_of_birth",
  "gender",
  "loyalty_number",
  "updated_at",
] as const;

export const crmHeader = `\uFEFF${crmColumns.join(",")}\r\n`;

export interface CrmRow {
  title: string;
  first: string;
  last: string;
  email: string;
  phone: string;
  street: string;
  city: string;
  state: string;
  zip: string;
  country: string;
  dob: string;
  gender: string;
  loyalty: string;
  updatedAt: number;
}

export function emitCrmRow(ctx: ChunkContext, row: CrmRow, subject: Subject): void {
  const id = `C${ctx.sequences.customer.nextPadded()}`;
  const text = csvRow(
    [
      id,
      row.title,
      row.first,
      row.last,
      row.email,
      row.phone,
      row.street,
      row.city,
      row.state,
      row.zip,
      row.country,
      row.dob,
      row.gender,
      row.loyalty,
      isoTimestamp(row.updatedAt),
    ],
    "\r\n",
  );
  emit(ctx, "crm", id, row.updatedAt, text, subject);
}

export function crmDateOfBirth(ctx: ChunkContext, dob: number, country: Country): string {
  const rng = ctx.rng;
  const style: DateStyle =
    country === "US"
      ? rng.weighted<DateStyle>(["iso", "mdy", "compact"], [40, 40, 20])
      : rng.weighted<DateStyle>(["iso", "dmy", "compact"], [35, 45, 20]);
  return ctx.corrupt.digits(formatDate(dob, style), 0.3);
}

function titleText(ctx: ChunkContext, title: string): string {
  const rng = ctx.rng;
  if (rng.chance(0.3)) return "";
  if (title === "Mr" || title === "Mrs" || title === "Ms" || title === "Dr") {
    const x = rng.next();
    return x < 0.45 ? `${title}.` : x < 0.9 ? title : title.toUpperCase();
  }
  return title;
}

function genderText(ctx: ChunkContext, gender: Person["gender"]): string {
  const rng = ctx.rng;
  if (rng.chance(0.12)) return "";
  if (gender === "other") return rng.pick(["X", "U", "Other", "Non-binary"]);
  const word = gender === "female" ? "Female" : "Male";
  return rng.weighted([word[0]!, word, word.toLowerCase()], [60, 30, 10]);
}

export function stateText(ctx: ChunkContext, address: Address): string {
  const rng = ctx.rng;
  if (address.country === "GB" || address.country === "FR") return rng.chance(0.4) ? address.regionName : "";
  if (address.country === "DE") return rng.chance(0.3) ? address.regionName : "";
  const x = rng.next();
  if (x < 0.08) return address.regionName;
  if (x < 0.11) return address.region.toLowerCase();
  return address.region;
}

export function zipText(ctx: ChunkContext, address: Address): string {
  const rng = ctx.rng;
  const zip = address.postcode;
  if (address.country === "US") {
    if (zip.startsWith("0") && rng.chance(0.35)) return zip.replace(/^0+/, "");
    if (rng.chance(0.05)) return `${zip}-${address.plus4}`;
    return zip;
  }
  if ((address.country === "GB" || address.country === "CA") && rng.chance(0.15)) {
    return rng.chance(0.5) ? zip.replace(" ", "") : zip.toLowerCase();
  }
  return zip;
}

export function countryText(ctx: ChunkContext, country: Country): string {
  const rng = ctx.rng;
  if (rng.chance(country === "US" ? 0.2 : 0.04)) return "";
  const spellings = countryInfo[country].spellings;
  return rng.chance(0.55) ? spellings[0]! : rng.pick(spellings);
}

function phoneFor(ctx: ChunkContext, person: Person, time: number): Phone | null {
  const rng = ctx.rng;
  const household = person.household;
  if (rng.next() < ctx.rates.sharedHousehold && household.members.length > 1) {
    const other = rng.pick(household.members);
    return household.landline ?? other.mobile;
  }
  const x = rng.next();
  if (x < 0.7) return mobileAt(person, time) ?? household.landline;
  if (x < 0.88) return household.landline ?? mobileAt(person, time);
  return person.workPhone ?? mobileAt(person, time);
}

function emailFor(ctx: ChunkContext, person: Person, time: number): string {
  const rng = ctx.rng;
  const household = person.household;
  if (rng.next() < ctx.rates.sharedHousehold) {
    if (household.sharedEmail !== null) return household.sharedEmail;
    const other = rng.pick(household.members);
    return emailAt(other, time);
  }
  if (rng.next() < ctx.rates.staleEmail) return person.emails[0]!.address;
  if (person.workEmail !== null && rng.chance(0.08)) return person.workEmail;
  return emailAt(person, time);
}

export function writeCrm(ctx: ChunkContext, person: Person): void {
  const { rng, corrupt, timeline } = ctx;
  const subject: Subject = { personId: person.id, householdId: person.household.id, fake: false };
  const country = person.household.country;
  for (let k = 0; k < person.presence.crm; k++) {
    const created =
      k === 0 ? person.since : person.since + rng.int(Math.max(DAY, timeline.asOf - person.since));
    const updated = rng.chance(0.6) ? created + rng.int(Math.max(DAY, timeline.asOf - created)) : created;
    const residence =
      rng.next() < ctx.rates.staleAddress
        ? previousResidence(person.household, updated)
        : residenceAt(person.household, updated);
    const address = residence.address;
    const phone = corrupt.missing(1.5) ? null : phoneFor(ctx, person, updated);
    let first = corrupt.given(person.given, person.nickname, false, 1, true);
    if (person.middle !== "" && rng.chance(0.06)) first = `${first} ${person.middle[0]}.`;
    let last = corrupt.name(person.family, 1, true);
    if (person.suffix !== "" && rng.chance(0.5)) last = `${last} ${person.suffix}`;
    if (rng.next() < ctx.rates.swapNames) [first, last] = [last, first];
    emitCrmRow(
      ctx,
      {
        title: titleText(ctx, person.title),
        first,
        last,
        email: corrupt.missing(1.3) ? "" : corrupt.email(emailFor(ctx, person, updated), 0.8),
        phone: phone === null ? "" : corrupt.digits(formatPhone(rng, phone)),
        street: corrupt.missing(0.5) ? "" : corrupt.text(streetLine(address, rng.chance(0.6)), 0.8),
        city: corrupt.missing(0.5) ? "" : corrupt.name(address.city, 0.6, true),
        state: stateText(ctx, address),
        zip: corrupt.missing(0.5) ? "" : zipText(ctx, address),
        country: countryText(ctx, country),
        dob: rng.chance(0.18) ? "" : crmDateOfBirth(ctx, person.dob, country),
        gender: genderText(ctx, person.gender),
        loyalty: rng.chance(0.65) ? person.loyaltyNumber : "",
        updatedAt: updated,
      },
      subject,
    );
  }
}
