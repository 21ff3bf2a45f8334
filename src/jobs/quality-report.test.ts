import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestStore, testEngines } from "../store/testing.js";
import { chromiumArgs, chromiumPath, hasChromium } from "../testing/chromium.js";
import { runQuality } from "./quality.js";
import { type Fixture, loadFixture, makeFixture } from "./quality-fixture.js";
import { writeQualityReport } from "./quality-report.js";

/**
 * The quality report opened in a real browser (Debian's Chromium, never a downloaded one): it must load without
 * an error, draw its charts, and show exactly the figures of the JSON written beside it.
 */

const haveChromium = hasChromium;
if (!haveChromium) console.warn(`skipping the quality report's browser test: no Chromium at ${chromiumPath}`);

const now = () => new Date("2026-01-01T00:00:00.000Z");

function at(json: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], json);
}

describe.skipIf(!haveChromium)("the quality report in Chromium", () => {
  let fixture: Fixture;
  let t: TestStore;
  let dir: string;

  beforeAll(async () => {
    fixture = await makeFixture(200, 3);
    const [sqlite] = await testEngines();
    t = await (sqlite as NonNullable<typeof sqlite>).open();
    await loadFixture(t.store, fixture, now);
    await runQuality(t.store, { now });
    dir = mkdtempSync(join(tmpdir(), "tessera-report-"));
  });
  afterAll(async () => {
    await t?.dispose();
    rmSync(fixture.dir, { recursive: true, force: true });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("opens without errors, draws its charts, and shows the figures of the JSON", async () => {
    const html = join(dir, "quality.html");
    const jsonPath = join(dir, "quality.json");
    await writeQualityReport(t.store, { html, json: jsonPath });
    const json = JSON.parse(readFileSync(jsonPath, "utf8")) as unknown;

    // A fresh profile of its own: launchPersistentContext is how Playwright takes a user data dir.
    const browser = await chromium.launchPersistentContext(join(dir, "profile"), {
      executablePath: chromiumPath,
      args: chromiumArgs,
    });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
      page.on("console", (m) => {
        if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
      });
      page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
      page.on("request", (r) => {
        if (!r.url().startsWith("file:")) problems.push(`fetched from the network: ${r.url()}`);
      });
      const response = await page.goto(pathToFileURL(html).href, { waitUntil: "load" });
      expect(response?.ok() ?? true).toBe(true);
      expect(await page.title()).toBe("Tessera data quality");

      const charts = await page.locator("figure svg").count();
      expect(charts).toBeGreaterThanOrEqual(6);
      const bars = await page.locator("figure svg rect").count();
      expect(bars).toBeGreaterThan(20);
      // Each chart has a size on the page: it was laid out, not left empty.
      const boxes = await page
        .locator("figure svg")
        .evaluateAll((svgs) => svgs.map((s) => s.getBoundingClientRect()).map((r) => r.width * r.height));
      expect(boxes.every((a) => a > 1000)).toBe(true);

      const figures = await page.locator("[data-figure]").evaluateAll((els) =>
        els.map((e) => ({
          path: e.getAttribute("data-figure") ?? "",
          kind: e.getAttribute("data-kind") ?? "",
          value: e.getAttribute("data-value") ?? "",
          text: e.textContent ?? "",
        })),
      );
      expect(figures.length).toBeGreaterThan(80);
      const mismatches: string[] = [];
      for (const f of figures) {
        const expected = at(json, f.path);
        if (typeof expected !== "number" || Number(f.value) !== expected)
          mismatches.push(`${f.path}: page ${f.value}, JSON ${String(expected)}`);
        // What is shown is that number: a count as written, a share as a percentage, a score as it is.
        if (!["count", "share", "score"].includes(f.kind))
          mismatches.push(`${f.path}: not a count, share or score`);
        const shown =
          f.kind === "count"
            ? (expected as number).toLocaleString("en-US")
            : f.kind === "share"
              ? `${((expected as number) * 100).toFixed(1)}%`
              : String(expected);
        if (!f.text.startsWith(shown)) mismatches.push(`${f.path}: shows "${f.text}", not ${shown}`);
      }
      expect(mismatches).toEqual([]);
      // The headline figures are all there.
      const paths = new Set(figures.map((f) => f.path));
      for (const p of [
        "records",
        "entities",
        "overall.meanCompleteness",
        "fakes.likely",
        "generic.values",
        "overall.duplicates",
      ])
        expect(paths.has(p), p).toBe(true);
      for (const source of Object.keys((json as { sources: object }).sources)) {
        expect(paths.has(`sources.${source}.completeness.email`), source).toBe(true);
        expect(paths.has(`sources.${source}.validity.phone.share`), source).toBe(true);
        expect(paths.has(`sources.${source}.fakes`), source).toBe(true);
      }
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
