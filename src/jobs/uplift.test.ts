import { describe, expect, it } from "vitest";
import { upliftReportHtml } from "../analytics/uplift/report.js";
import { datasetFile, missingDataset } from "../predict/testing.js";
import { upliftCurveSets, upliftFromFile } from "./uplift.js";

const hillstrom = datasetFile("hillstrom", "hillstrom.csv");

describe.skipIf(!hillstrom)(
  `uplift on Hillstrom's e-mail experiment${hillstrom ? "" : ` (skipped: ${missingDataset("hillstrom", "hillstrom.csv")})`}`,
  () => {
    it("reproduces the arms' visit rates and ranks who gains from the women's e-mail better than random (Qini and AUUC above 0)", async () => {
      const report = await upliftFromFile(hillstrom as string, {
        treatments: ["Womens E-Mail"],
        outcomes: ["visit"],
      });
      expect(report.rows).toBe(64_000);
      expect(report.features).not.toContain("spend");
      const arm = report.arms[0];
      // SOURCE.md: visit 0.1514 (women's e-mail) and 0.1062 (no e-mail).
      expect(arm?.treatedRate).toBeCloseTo(0.1514, 4);
      expect(arm?.controlRate).toBeCloseTo(0.1062, 4);
      for (const r of arm?.results ?? []) {
        expect(r.evaluation.qini).toBeGreaterThan(0);
        expect(r.evaluation.auuc).toBeGreaterThan(0);
      }
      const html = upliftReportHtml("t", upliftCurveSets(report));
      expect(html.match(/<svg/g)).toHaveLength(2);
      await expect(upliftFromFile(hillstrom as string, { control: "Nobody" })).rejects.toThrow(/control arm/);
    });
  },
);
