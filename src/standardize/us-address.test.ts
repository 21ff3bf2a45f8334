import { describe, expect, it } from "vitest";
import { parseUsAddress } from "./us-address.js";

describe("parseUsAddress", () => {
  it.each([
    [
      "1005 N Gravenstein Highway Sebastopol CA 95472",
      {
        streetNumber: "1005",
        street: "north gravenstein highway",
        city: "sebastopol",
        state: "ca",
        zip: "95472",
      },
    ],
    [
      "1600 Pennsylvania Ave NW, Washington, DC 20500",
      {
        streetNumber: "1600",
        street: "pennsylvania avenue northwest",
        city: "washington",
        state: "dc",
        zip: "20500",
      },
    ],
    ["123 Main St Apt 4B", { streetNumber: "123", street: "main street", unit: "4b", city: null }],
    [
      "350 5th Ave #3400 New York NY 10118",
      { streetNumber: "350", street: "5th avenue", unit: "3400", state: "ny" },
    ],
    ["42 St Marks Pl, New York, NY 10003", { streetNumber: "42", street: "saint marks place" }],
    [
      "PO Box 123, Austin TX 78701",
      { streetNumber: null, street: "po box 123", poBox: true, city: "austin" },
    ],
    ["Main St & 2nd Ave, New York NY", { street: "main street and 2nd avenue" }],
    ["123 Main Street, Springfield, Illinois 62704", { streetNumber: "123", state: "il", zip: "62704" }],
  ])("%j", (text, expected) => {
    expect(parseUsAddress(text)).toMatchObject(expected);
  });

  it.each(["", "   ", "x".repeat(1000), "!!!"])("gives null for %j", (text) => {
    expect(parseUsAddress(text)).toBeNull();
  });

  it.each(["😀😀", "\u0000", "123", "#", "& & &"])("never throws on %j", (text) => {
    expect(() => parseUsAddress(text)).not.toThrow();
  });
});
