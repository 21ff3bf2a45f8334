import { describe, expect, it } from "vitest";
import {
  asctime,
  civilFromDays,
  clfTimestamp,
  DAY,
  daysFromCivil,
  formatDate,
  isoTimestamp,
  rfc5322Date,
} from "./time.js";

describe("time", () => {
  it("agrees with Date on civil dates, before and after 1970", () => {
    for (let days = -40_000; days < 30_000; days += 97) {
      const d = new Date(days * DAY * 1000);
      const c = civilFromDays(days);
      expect([c.year, c.month, c.day]).toEqual([d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()]);
      expect(daysFromCivil(c.year, c.month, c.day)).toBe(days);
    }
  });

  it("spells dates and instants the ways the sources do", () => {
    const days = daysFromCivil(1985, 3, 7);
    expect(formatDate(days, "iso")).toBe("1985-03-07");
    expect(formatDate(days, "mdy")).toBe("03/07/1985");
    expect(formatDate(days, "dmy")).toBe("07/03/1985");
    expect(formatDate(days, "compact")).toBe("19850307");
    const t = Date.UTC(2023, 0, 2, 10, 15, 0) / 1000;
    expect(isoTimestamp(t)).toBe("2023-01-02T10:15:00Z");
    expect(isoTimestamp(t, 7)).toBe("2023-01-02T10:15:00.007Z");
    expect(clfTimestamp(t)).toBe("02/Jan/2023:10:15:00 +0000");
    expect(rfc5322Date(t, -300)).toBe("Mon, 02 Jan 2023 05:15:00 -0500");
    expect(asctime(t)).toBe("Mon Jan  2 10:15:00 2023");
  });
});
