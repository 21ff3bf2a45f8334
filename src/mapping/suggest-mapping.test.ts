import { describe, expect, it } from "vitest";
import { compileMapping } from "./compile-mapping.js";
import { suggestMapping } from "./suggest-mapping.js";

describe("suggestMapping", () => {
  it("maps FEBRL's columns from their names", () => {
    const columns = [
      "rec_id",
      "given_name",
      "surname",
      "street_number",
      "address_1",
      "address_2",
      "suburb",
      "postcode",
      "state",
      "date_of_birth",
      "soc_sec_id",
    ];
    const row = {
      rec_id: "rec-1496-org",
      given_name: "mitchell",
      surname: "green",
      street_number: "7",
      address_1: "wallaby place",
      address_2: "delmar",
      suburb: "cleveland",
      postcode: "2119",
      state: "sa",
      date_of_birth: "19560409",
      soc_sec_id: "1804974",
    };
    const { mapping } = suggestMapping({ columns, rows: [row] }, "febrl", { defaultCountry: "AU" });
    expect(mapping.fields).toEqual({
      rec_id: "id",
      given_name: "name.given",
      surname: "name.family",
      street_number: "address.streetNumber",
      address_1: "address.line1",
      address_2: "address.line2",
      suburb: "address.locality",
      postcode: "address.postcode",
      state: "address.region",
      date_of_birth: "dateOfBirth",
      soc_sec_id: "identifier:national_id",
    });
    expect(() => compileMapping(mapping)).not.toThrow();
  });

  it("maps camelCase and spaced headers, and sniffs an email column by its values", () => {
    const rows = [
      { "First Name": "Ann", lastName: "Lee", contact: "ann@x.com", DOB: "1980-01-02", cluster: "1" },
      { "First Name": "Bo", lastName: "Ng", contact: "bo@y.org", DOB: "1975-11-30", cluster: "2" },
    ];
    const { mapping, columns } = suggestMapping({ columns: Object.keys(rows[0] ?? {}), rows }, "x");
    expect(mapping.fields["First Name"]).toBe("name.given");
    expect(mapping.fields.lastName).toBe("name.family");
    expect(mapping.fields.contact).toBe("email");
    expect(mapping.fields.DOB).toBe("dateOfBirth");
    expect(mapping.fields.cluster).toBe("extra:cluster");
    expect(columns.find((c) => c.source === "contact")?.why).toMatch(/email/);
  });

  it("suggests JSON paths for nested fields", () => {
    const rows = [
      {
        submission_id: "s1",
        form: { first: "Ann", last: "Lee", email: "ann@x.com", zip: "02139" },
        ip: "10.1.2.3",
      },
    ];
    const { mapping } = suggestMapping({ columns: ["submission_id", "form", "ip"], rows }, "signups");
    expect(mapping.fields).toMatchObject({
      submission_id: "id",
      "$.form.first": "name.given",
      "$.form.last": "name.family",
      "$.form.email": "email",
      "$.form.zip": "address.postcode",
      ip: "identifier:ip_address",
    });
  });

  it("never proposes two record ids", () => {
    const rows = [{ id: "1", customer_id: "c1", email: "a@b.co" }];
    const { mapping } = suggestMapping({ columns: Object.keys(rows[0] ?? {}), rows }, "x");
    expect(Object.values(mapping.fields).filter((t) => t === "id")).toHaveLength(1);
    expect(() => compileMapping(mapping)).not.toThrow();
  });
});

describe("suggestMapping value sniffing", () => {
  it("does not take recent dates for birth dates, nor short numbers for phones", () => {
    const rows = [
      { when: "2025-03-01", ref: "1804974", tel: "+1 (415) 555-0100" },
      { when: "2025-04-11", ref: "6089216", tel: "+44 20 7946 0018" },
    ];
    const { mapping } = suggestMapping({ columns: ["when", "ref", "tel"], rows }, "x");
    expect(mapping.fields.when).toBe("extra:when");
    expect(mapping.fields.ref).toBe("extra:ref");
    expect(mapping.fields.tel).toBe("phone");
  });
});

describe("suggestMapping on Segment events", () => {
  it("reads identities where Segment puts them and keeps event context as extra", () => {
    const rows = [
      {
        messageId: "m1",
        type: "identify",
        userId: "u-17",
        anonymousId: "3e5dc756-d406-44c8-97a0-cfb03b000000",
        timestamp: "2025-01-02T03:04:05Z",
        traits: { email: "ann@x.com", firstName: "Ann", phone: "+1 415 555 0100" },
        context: { device: { id: "D-1", model: "Pixel" }, app: { name: "Shop" }, ip: "1.2.3.4" },
        properties: { order_id: "O-1", name: "Daypack" },
      },
    ];
    const { mapping } = suggestMapping({ columns: Object.keys(rows[0] ?? {}), rows }, "app");
    expect(mapping.fields).toMatchObject({
      messageId: "id",
      userId: "identifier:user_id",
      anonymousId: "identifier:anonymous_id",
      timestamp: "observedAt",
      "$.traits.email": "email",
      "$.traits.firstName": "name.given",
      "$.traits.phone": "phone",
      "$.context.device.id": "identifier:device_id",
      "$.context.device.model": "extra:context_device_model",
      "$.context.app.name": "extra:context_app_name",
      "$.context.ip": "identifier:ip_address",
      "$.properties.order_id": "identifier:order_id",
      "$.properties.name": "extra:properties_name",
    });
  });
});
