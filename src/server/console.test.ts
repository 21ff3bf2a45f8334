import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDemoPipeline } from "../jobs/demo.js";
import { entityLinks, getProfiles } from "../store/entities.js";
import { getReviewItem } from "../store/stewardship.js";
import { type TestStore, testEngines } from "../store/testing.js";
import { chromiumArgs, chromiumPath, hasChromium } from "../testing/chromium.js";
import { consoleDir } from "./console.js";
import { type RunningServer, runServer } from "./run.js";

/**
 * The web console in Debian's Chromium, on the data `npm start` makes (the same demo pipeline, fewer people):
 * sign in with the printed key, search a profile and open it, accept and reject review items with the
 * keyboard, split a profile, read the quality dashboard, and build a segment — every action through the HTTP
 * API, checked in the store afterwards.
 */

const sqlite = (await testEngines()).find((e) => e.name === "sqlite");
const root = join(consoleDir(), "..", "..");

/** The browser tests need the built app: build it when a fresh clone has not (`npm start` does it too). */
function ensureBuilt(): void {
  if (existsSync(join(consoleDir(), "index.html"))) return;
  execFileSync(
    process.execPath,
    [
      join(root, "node_modules", "vite", "bin", "vite.js"),
      "build",
      "--config",
      "web/vite.config.ts",
      "--logLevel",
      "warn",
    ],
    { cwd: root, stdio: "inherit" },
  );
}

describe.skipIf(!hasChromium || !sqlite)("the web console in Chromium", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "tessera-console-"));
  let t: TestStore;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let key: string;
  const errors: string[] = [];

  beforeAll(async () => {
    ensureBuilt();
    t = await (sqlite as NonNullable<typeof sqlite>).open();
    const r = await runDemoPipeline(t.store, { dataDir, people: 300, seed: 42 });
    key = r.key?.key as string;
    server = await runServer(t.store, { port: 0, webhooks: false });
    browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
    page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    page.on("pageerror", (e) => errors.push(e.message));
    // Sign in as `npm start` prints it: the key in the address's fragment (never sent to the server).
    await page.goto(`${server.url}/#key=${encodeURIComponent(key)}`);
    await page.getByLabel("Search profiles").waitFor();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await t?.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** A profile of several records with a name, oldest first. */
  async function profileWithRecords(min: number): Promise<{ id: string; name: string }> {
    const rows = await t.store.db
      .selectFrom("entity")
      .select("id")
      .where("status", "=", "active")
      .where("records", ">=", min)
      .orderBy("seq")
      .limit(50)
      .execute();
    const profiles = await getProfiles(
      t.store.db,
      rows.map((r) => r.id),
    );
    for (const r of rows) {
      const name = profiles.get(r.id)?.name?.value.full;
      if (name && name.split(" ").length >= 2) return { id: r.id, name };
    }
    throw new Error(`no named profile with ${min} records`);
  }

  it("signs in, searches a profile by name, opens it and shows where a value came from", async () => {
    expect(page.url()).not.toContain("key=");
    const { id, name } = await profileWithRecords(2);
    await page.getByLabel("Search profiles").fill(name);
    const row = page.locator("table.results tbody tr", { hasText: id });
    await row.waitFor();
    await row.click();
    await page.waitForURL(`**/profiles/${id}`);
    await expect.poll(() => page.getByTestId("profile-name").textContent()).toBe(name);
    // The records and the identity graph: one square per record.
    const links = await entityLinks(t.store.db, id);
    await expect.poll(() => page.getByTestId("records").locator("tbody tr").count()).toBe(links.length);
    expect(await page.getByTestId("identity-graph").locator("g.node.record").count()).toBe(links.length);
    // Hovering the golden name shows its lineage.
    const golden = page.getByTestId("golden-values").locator(".lineage").first();
    await golden.hover();
    await expect.poll(() => golden.locator(".tip").isVisible()).toBe(true);
    expect(await golden.locator(".tip").textContent()).toMatch(/rule .*from .*\//);

    // And by email, straight from the search box.
    const email = (await getProfiles(t.store.db, [id])).get(id)?.emails[0]?.value;
    if (email) {
      await page.goto(`${server.url}/`);
      await page.getByLabel("Search profiles").fill(email);
      await page.locator("table.results tbody tr", { hasText: id }).waitFor();
    }
  });

  it("accepts, rejects and skips review items with the keyboard", async () => {
    await page.goto(`${server.url}/review`);
    const item = page.getByTestId("review-item");
    await item.waitFor();
    expect(await page.getByTestId("waterfall").locator("rect.bar").count()).toBeGreaterThan(3);
    const message = page.getByTestId("review-message");

    const first = Number(await item.getAttribute("data-item"));
    await page.keyboard.press("a");
    await expect.poll(() => message.textContent()).toMatch(new RegExp(`item ${first}\\b`, "i"));
    expect(["accepted", "stale"]).toContain((await getReviewItem(t.store.db, first))?.status);

    await expect.poll(async () => Number(await item.getAttribute("data-item"))).not.toBe(first);
    const second = Number(await item.getAttribute("data-item"));
    await page.keyboard.press("r");
    await expect.poll(() => message.textContent()).toBe(`Rejected item ${second}: not a match, remembered.`);
    expect((await getReviewItem(t.store.db, second))?.status).toBe("rejected");

    await expect.poll(async () => Number(await item.getAttribute("data-item"))).not.toBe(second);
    const third = Number(await item.getAttribute("data-item"));
    await page.keyboard.press("s");
    await expect.poll(() => message.textContent()).toBe(`Skipped item ${third}.`);
    expect((await getReviewItem(t.store.db, third))?.status).toBe("open");
    await expect.poll(async () => Number(await item.getAttribute("data-item"))).not.toBe(third);
  });

  it("splits a record off a profile", async () => {
    const { id } = await profileWithRecords(3);
    const links = await entityLinks(t.store.db, id);
    const leaving = links[links.length - 1]?.recordKey as string;
    await page.goto(`${server.url}/profiles/${id}`);
    await page.getByLabel(`choose ${leaving}`).check();
    await page.getByPlaceholder("Reason (for the audit log)").fill("a namesake, not the same person");
    await page.getByRole("button", { name: /Split 1 record off/ }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toMatch(/^Split: .* went to T-\d+/);
    const other = (
      await t.store.db
        .selectFrom("entity_link")
        .select("entity_id")
        .where("record_key", "=", leaving)
        .executeTakeFirstOrThrow()
    ).entity_id;
    expect(other).not.toBe(id);
    await expect.poll(() => page.getByTestId("records").locator("tbody tr").count()).toBe(links.length - 1);
  });

  it("draws the quality dashboard", async () => {
    await page.goto(`${server.url}/quality`);
    const chart = page.getByTestId("completeness-chart");
    await chart.waitFor();
    expect(await chart.locator("rect.fill").count()).toBeGreaterThan(3);
    expect(await page.getByTestId("fake-histogram").locator("rect").count()).toBe(10);
  });

  it("builds a segment with the rule builder, sees its live size and saves it", async () => {
    const city = (await getProfiles(t.store.db, [(await profileWithRecords(2)).id])).values().next().value
      ?.address?.value.city;
    expect(city).toBeTruthy();
    // Fails, and says so, while the server has no segments API (issue 8) rather than skipping.
    const estimate = await fetch(`${server.url}/v1/segments/estimate`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ rule: { trait: "city", op: "eq", value: city } }),
    });
    expect(estimate.status, "POST /v1/segments/estimate (the segments API of issue 8) must exist").not.toBe(
      404,
    );
    await page.goto(`${server.url}/segments`);
    await page.locator('input[name="segment-name"]').fill("Demo city");
    const condition = page.getByTestId("condition").first();
    await condition.getByLabel("field").fill("city");
    await condition.getByLabel("operator").selectOption("eq");
    await condition.getByLabel("value").fill(city as string);
    // The live size comes from POST /v1/segments/estimate (issue 8's segments API).
    const size = page.getByTestId("segment-size");
    await expect.poll(() => size.textContent(), { timeout: 10_000 }).toMatch(/^[\d,]+ of [\d,]+ people/);
    const counted = Number(((await size.textContent()) ?? "").split(" of ")[0]?.replace(/,/g, ""));
    expect(counted).toBeGreaterThan(0);
    await page.getByRole("button", { name: "Save segment" }).click();
    await expect.poll(() => page.locator(".segment-list").textContent()).toContain("Demo city");
  });

  it("answered every page without a script error", () => {
    expect(errors).toEqual([]);
  });
});

describe("the console when the app was not built", () => {
  it("says how to build it instead of answering 404", async () => {
    const t = await (await testEngines())[0]?.open();
    if (!t) throw new Error("no store");
    const empty = mkdtempSync(join(tmpdir(), "tessera-nodist-"));
    const before = process.env.TESSERA_CONSOLE_DIR;
    process.env.TESSERA_CONSOLE_DIR = empty;
    const server = await runServer(t.store, { port: 0, webhooks: false });
    try {
      const home = await fetch(`${server.url}/`);
      expect(home.status).toBe(503);
      expect(await home.text()).toContain("npm run build:web");
      const deep = await fetch(`${server.url}/profiles/T-1`, { headers: { accept: "text/html" } });
      expect(await deep.text()).toContain("has not been built");
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
    } finally {
      if (before === undefined) delete process.env.TESSERA_CONSOLE_DIR;
      else process.env.TESSERA_CONSOLE_DIR = before;
      await server.close();
      await t.dispose();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
