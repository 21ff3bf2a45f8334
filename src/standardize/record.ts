import type { Issue } from "../model/issue.js";
import { issue } from "../model/issue.js";
import type { DateOrder } from "../model/mapping.js";
import type { RecordAttributes } from "../model/source-record.js";
import type {
  StandardAddress,
  StandardEmail,
  StandardIdentifier,
  StandardizedRecord,
  StandardPhone,
} from "../model/standardized.js";
import { standardizeAddress } from "./address.js";
import { countryCode, isCountryCode } from "./countries.js";
import { checkBirthDate, standardizeDate } from "./date.js";
import { standardizeEmail } from "./email.js";
import { standardizeGender } from "./gender.js";
import { standardizeIdentifier } from "./identifier.js";
import { standardizeName } from "./name.js";
import { standardizePhone } from "./phone.js";

export interface StandardizeOptions {
  /** ISO 3166-1 alpha-2 for phones and addresses that do not name their country. */
  defaultCountry?: string;
  /** The source's day/month order for numeric dates. */
  dateOrder?: DateOrder;
  /** "Now" for two-digit years and birth-date checks; pass the import time to keep runs reproducible. */
  now?: Date;
}

/**
 * Standardise every attribute of a source record. Issues name the attribute they concern (`emails[1]`,
 * `addresses[0].postcode`, `dateOfBirth`). Duplicates are removed, keeping the first: emails by canonical
 * form, phones by E.164, addresses by country and line, identifiers by type, namespace and value (each
 * removal leaves an info issue). Phones without a country of their own and without a default country use
 * the country of the record's first address that has one. Never throws.
 */
export function standardizeRecord(
  attributes: RecordAttributes,
  options: StandardizeOptions = {},
): { standardized: StandardizedRecord; issues: Issue[] } {
  const issues: Issue[] = [];
  const attrs = (attributes ?? {}) as Partial<RecordAttributes>;
  const now = options.now instanceof Date && !Number.isNaN(options.now.getTime()) ? options.now : new Date();
  const defaultCountry =
    typeof options.defaultCountry === "string"
      ? isCountryCode(options.defaultCountry)
        ? options.defaultCountry.toUpperCase()
        : (countryCode(options.defaultCountry) ?? undefined)
      : undefined;
  if (options.defaultCountry !== undefined && defaultCountry === undefined) {
    issues.push(
      issue("bad_default_country", `"${options.defaultCountry}" is not an ISO 3166-1 alpha-2 code`),
    );
  }

  const standardized: StandardizedRecord = {
    name: null,
    emails: [],
    phones: [],
    addresses: [],
    dateOfBirth: null,
    gender: null,
    identifiers: [],
  };

  if (attrs.name !== undefined && attrs.name !== null) {
    const name = standardizeName(attrs.name, "name");
    standardized.name = name.value;
    issues.push(...name.issues);
  }

  const emails = new Set<string>();
  (Array.isArray(attrs.emails) ? attrs.emails : []).forEach((email, i) => {
    const field = `emails[${i}]`;
    const checked = standardizeEmail(email, field);
    issues.push(...checked.issues);
    if (checked.value === null) return;
    const key = checked.value.valid ? checked.value.canonical : checked.value.normalized;
    if (emails.has(key)) {
      issues.push(issue("email_duplicate", `the same address as an earlier email (${key})`, field, "info"));
      return;
    }
    emails.add(key);
    standardized.emails.push(checked.value satisfies StandardEmail);
  });

  const addresses = new Set<string>();
  (Array.isArray(attrs.addresses) ? attrs.addresses : []).forEach((address, i) => {
    const field = `addresses[${i}]`;
    const checked = standardizeAddress(address, defaultCountry, field);
    issues.push(...checked.issues);
    if (checked.value === null) return;
    const key = `${checked.value.country ?? ""}|${checked.value.line}`;
    if (addresses.has(key)) {
      issues.push(issue("address_duplicate", "the same address as an earlier one", field, "info"));
      return;
    }
    addresses.add(key);
    standardized.addresses.push(checked.value satisfies StandardAddress);
  });

  const phoneCountry =
    defaultCountry ?? standardized.addresses.find((a) => a.country !== null)?.country ?? undefined;
  const phones = new Set<string>();
  (Array.isArray(attrs.phones) ? attrs.phones : []).forEach((phone, i) => {
    const field = `phones[${i}]`;
    const checked = standardizePhone(phone, phoneCountry, field);
    issues.push(...checked.issues);
    if (checked.value === null) return;
    const key = checked.value.e164 ?? `raw:${checked.value.original.replace(/\D/g, "")}`;
    if (phones.has(key)) {
      issues.push(issue("phone_duplicate", "the same number as an earlier phone", field, "info"));
      return;
    }
    phones.add(key);
    standardized.phones.push(checked.value satisfies StandardPhone);
  });

  if (typeof attrs.dateOfBirth === "string") {
    const date = standardizeDate(attrs.dateOfBirth, options.dateOrder ?? "auto", "dateOfBirth", now);
    issues.push(...date.issues);
    if (date.value !== null) {
      standardized.dateOfBirth = date.value;
      issues.push(...checkBirthDate(date.value, now, "dateOfBirth"));
    }
  }

  if (typeof attrs.gender === "string") {
    const gender = standardizeGender(attrs.gender, "gender");
    standardized.gender = gender.value;
    issues.push(...gender.issues);
  }

  const identifiers = new Set<string>();
  (Array.isArray(attrs.identifiers) ? attrs.identifiers : []).forEach((identifier, i) => {
    const field = `identifiers[${i}]`;
    const checked = standardizeIdentifier(identifier, field);
    issues.push(...checked.issues);
    if (checked.value === null) return;
    const key = `${checked.value.type}|${checked.value.namespace ?? ""}|${checked.value.value}`;
    if (identifiers.has(key)) {
      issues.push(issue("identifier_duplicate", "the same identifier as an earlier one", field, "info"));
      return;
    }
    identifiers.add(key);
    standardized.identifiers.push(checked.value satisfies StandardIdentifier);
  });

  return { standardized, issues };
}
