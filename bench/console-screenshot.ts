import { chromium } from "playwright-core";
import { chromiumArgs, chromiumPath } from "../src/testing/chromium.js";

/**
 * The README's picture of the console: a profile's 360° view on the running demo (`npm start`), taken in
 * Debian's Chromium. Usage: tsx bench/console-screenshot.ts <console url> <key> [out.png] [search]
 */

const [url, key, out = "docs/console.png", search = "harris"] = process.argv.slice(2);
if (!url || !key)
  throw new Error("usage: tsx bench/console-screenshot.ts <console url> <key> [out.png] [search]");
const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
try {
  const page = await browser.newPage({ viewport: { width: 1360, height: 1000 }, deviceScaleFactor: 1 });
  await page.goto(`${url}/#key=${encodeURIComponent(key)}`);
  await page.getByLabel("Search profiles").fill(search);
  await page.locator("table.results tbody tr").first().waitFor();
  // The hit with the most records makes the fullest picture.
  const rows = await page.locator("table.results tbody tr").evaluateAll((trs) =>
    trs.map((tr) => ({
      id: tr.querySelector("td")?.textContent ?? "",
      records: Number(tr.querySelectorAll("td")[4]?.textContent ?? 0),
    })),
  );
  rows.sort((a, b) => b.records - a.records);
  await page.goto(`${url}/profiles/${rows[0]?.id}`);
  await page.getByTestId("identity-graph").waitFor();
  await page.getByTestId("golden-values").locator(".lineage").first().hover();
  await page.waitForTimeout(300);
  await page.screenshot({ path: out, clip: { x: 0, y: 0, width: 1360, height: 1000 } });
  console.log(`saved ${out} (profile ${rows[0]?.id})`);
} finally {
  await browser.close();
}
