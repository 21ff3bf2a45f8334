import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDemoPipeline } from "../jobs/demo.js";
import { createApiKey } from "../store/api-keys.js";
import { entityLinks, getProfiles } from "../store/entities.js";
import { listImportRuns } from "../store/import-runs.js";
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

/** The newest change to the app's sources (web/src, web/index.html). */
function newestSource(dir = join(root, "web", "src")): number {
  let newest = statSync(join(root, "web", "index.html")).mtimeMs;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * The browser tests need the built app: build it when a fresh clone has not (`npm start` does it too), or when
 * the app's sources changed since it was built.
 */
function ensureBuilt(): void {
  const built = join(consoleDir(), "index.html");
  if (existsSync(built) && (process.env.TESSERA_CONSOLE_DIR || statSync(built).mtimeMs >= newestSource()))
    return;
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

  it("draws attribution per channel, with credits that add up to the conversions, for the chosen lookback", async () => {
    // Journeys sent through the tracking API: paid search then e-mail before four orders; an organic search
    // 20 days before two orders; an order with no touchpoint; a referral without an order.
    const write = (await createApiKey(t.store.db, { kind: "write", name: "shop site", source: "shop" })).key;
    const day = 86_400_000;
    const at = (daysAgo: number) => new Date(Date.now() - daysAgo * day).toISOString();
    const visit = (userId: string, daysAgo: number, extra: Record<string, unknown>) => ({
      type: "page",
      userId,
      timestamp: at(daysAgo),
      properties: { url: "https://shop.example/spring" },
      context: { ...extra, page: { url: "https://shop.example/spring", ...(extra.page as object) } },
    });
    const order = (userId: string, revenue: number) => ({
      type: "track",
      userId,
      event: "Order Completed",
      timestamp: at(1),
      properties: { revenue, order_id: `o-${userId}` },
    });
    const batch: unknown[] = [];
    for (const u of ["att-1", "att-2", "att-3", "att-4"])
      batch.push(
        visit(u, 3, { campaign: { source: "google", medium: "cpc", name: "spring" } }),
        visit(u, 2, { campaign: { source: "newsletter", medium: "email", name: "may" } }),
        order(u, 100),
      );
    for (const u of ["att-5", "att-6"])
      batch.push(visit(u, 20, { page: { referrer: "https://www.google.com/" } }), order(u, 50));
    batch.push(
      order("att-7", 30),
      visit("att-8", 2, { page: { referrer: "https://blog.example.org/post" } }),
    );
    const sent = await fetch(`${server.url}/v1/batch`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${write}:`).toString("base64")}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ batch }),
    });
    expect(sent.status).toBe(200);
    // The events are applied behind the acknowledgement.
    await expect
      .poll(
        async () =>
          (
            (await (
              await fetch(`${server.url}/v1/attribution?model=linear`, {
                headers: { authorization: `Bearer ${key}` },
              })
            ).json()) as { conversions: number }
          ).conversions,
        { timeout: 15_000 },
      )
      .toBe(6);

    await page.goto(`${server.url}/attribution`);
    const chart = page.getByTestId("attribution-chart");
    await chart.waitFor();
    const labels = await chart
      .locator("g.group")
      .evaluateAll((gs) => gs.map((g) => g.getAttribute("data-label")));
    expect(new Set(labels)).toEqual(new Set(["paid_search", "email", "organic_search", "referral"]));
    expect(await page.getByTestId("total-conversions").locator(".stat-value").textContent()).toBe("6");
    // Every model shares out every credited conversion: each column adds up to 6.
    const sums = async () =>
      page
        .getByTestId("attribution-sums")
        .locator("th[data-value]")
        .evaluateAll((ths) => ths.map((th) => Number(th.getAttribute("data-value"))));
    expect((await sums()).length).toBe(7);
    for (const s of await sums()) expect(s).toBeCloseTo(6, 6);
    // Last touch gives the four e-mailed orders to e-mail.
    const lastEmail = await chart
      .locator('g.group[data-label="email"] rect[data-series="last touch"]')
      .getAttribute("data-value");
    expect(Number(lastEmail)).toBeCloseTo(4, 9);

    // A 10-day window: the organic searches 20 days before their orders no longer count.
    await page.getByLabel("Lookback days").fill("10");
    await expect
      .poll(() => page.getByTestId("total-conversions").locator(".stat-value").textContent())
      .toBe("4");
    for (const s of await sums()) expect(s).toBeCloseTo(4, 6);
    await expect
      .poll(() => chart.locator("g.group").evaluateAll((gs) => gs.map((g) => g.getAttribute("data-label"))))
      .not.toContain("organic_search");
  });

  it("draws the lifetime values and the customers worth most", async () => {
    await page.goto(`${server.url}/value`);
    const histogram = page.getByTestId("clv-histogram");
    await histogram.waitFor();
    const counts = await histogram
      .locator("g.column")
      .evaluateAll((gs) => gs.map((g) => Number(g.getAttribute("data-value"))));
    expect(counts.filter((c) => c > 0).length).toBeGreaterThan(1);
    // Every scored profile is in one bar.
    const scored = await t.store.db
      .selectFrom("profile_score")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("name", "=", "clv")
      .executeTakeFirstOrThrow();
    expect(counts.reduce((a, b) => a + b, 0)).toBe(Number(scored.n));
    expect(await page.getByTestId("alive-histogram").locator("g.column").count()).toBe(20);
    // The top customer is the highest score, and its link opens the profile.
    const best = await t.store.db
      .selectFrom("profile_score")
      .select("entity_id")
      .where("name", "=", "clv")
      .orderBy("value", "desc")
      .orderBy("entity_id")
      .limit(1)
      .executeTakeFirstOrThrow();
    const first = page.getByTestId("top-customers").locator("tbody tr").first().locator("a");
    expect(await first.textContent()).toBe(best.entity_id);
    await first.click();
    await page.waitForURL(`**/profiles/${best.entity_id}`);
  });

  it("imports a CSV file: the suggested mapping corrected, a bad target refused, then the progress to the end", async () => {
    const csv = [
      "customer_id,first_name,last_name,email,phone,dob,updated_at",
      "W1,Ann,Smith,ann@upload.example,+44 20 7946 0001,1980-02-03,2024-01-02",
      "W2,Bob,Jones,bob@upload.example,+44 20 7946 0002,1975-05-06,2024-01-03",
      "W3,Cat,Lee,cat@upload.example,,1990-07-08,2024-01-04",
      "W4,Dan,Ray,dan@upload.example,,1991-01-01,2024-01-05",
      ",Eve,Noid,eve@upload.example,,,2024-01-05",
      "W6,Fay,Oak,fay@upload.example,,1988-08-08,2024-01-06,an extra cell",
      "",
    ].join("\n");
    await page.goto(`${server.url}/import`);
    await page.getByLabel("File to import").setInputFiles({
      name: "web-signups.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(csv),
    });
    const preview = page.getByTestId("mapping-preview");
    await preview.waitFor();
    expect(await preview.locator("tbody tr").count()).toBe(7);
    expect(await page.getByLabel("Target of email").inputValue()).toBe("email");
    expect(await page.getByLabel("Source name").inputValue()).toBe("web-signups");
    expect(await preview.locator('tr[data-column="email"] .examples').textContent()).toContain(
      "ann@upload.example",
    );

    // A mistyped target is refused before the file is sent, and its row is marked.
    await page.getByLabel("Target of phone").fill("phon");
    await page.getByRole("button", { name: /^Import/ }).click();
    await expect.poll(() => page.getByTestId("import-error").textContent()).toMatch(/fields\.phone/);
    expect(await preview.locator('tr[data-column="phone"]').getAttribute("class")).toContain("invalid");
    expect((await listImportRuns(t.store)).some((r) => r.source === "web-signups")).toBe(false);

    await page.getByLabel("Target of phone").fill("phone");
    await page.getByRole("button", { name: /^Import/ }).click();
    const bar = page.getByTestId("import-progress");
    await expect.poll(() => bar.getAttribute("data-phase"), { timeout: 15_000 }).toBe("completed");
    expect(await bar.getAttribute("aria-valuenow")).toBe("100");
    const tile = (id: string) => page.getByTestId(id).locator(".stat-value").textContent();
    expect(await tile("result-read")).toBe("6");
    expect(await tile("result-accepted")).toBe("4");
    expect(await tile("result-quarantined")).toBe("2");
    const reasons = await page.getByTestId("quarantine-reasons").textContent();
    expect(reasons).toContain("missing_id");
    expect(reasons).toContain("csv_ragged_row");
    const run = (await listImportRuns(t.store)).find((r) => r.source === "web-signups");
    expect(run).toMatchObject({ status: "completed", accepted: 4, quarantined: 2 });
    await expect.poll(() => page.getByTestId("recent-imports").textContent()).toContain("web-signups.csv");
  });

  it("releases insights with small cells hidden and marked", async () => {
    const insights = (
      await createApiKey(t.store.db, {
        kind: "read",
        name: "partner view",
        scopes: ["profiles:read", "insights"],
      })
    ).key;
    const other = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    other.on("pageerror", (e) => errors.push(e.message));
    try {
      await other.goto(`${server.url}/#key=${encodeURIComponent(insights)}`);
      await other.getByLabel("Search profiles").waitFor();
      await other.goto(`${server.url}/insights`);
      await other.getByLabel("Rows").selectOption("age_band");
      await other.getByLabel("Columns").selectOption("gender");
      await other.getByRole("button", { name: "Release" }).click();
      const table = other.getByTestId("insights-table");
      await table.waitFor();
      // Every shown cell has at least 10 people; the hidden ones are marked, not blank.
      const shown = await table
        .locator("tbody td[data-count]")
        .evaluateAll((tds) => tds.map((td) => Number(td.getAttribute("data-count"))));
      expect(shown.length).toBeGreaterThan(0);
      for (const n of shown) expect(n).toBeGreaterThanOrEqual(10);
      const hidden = await table.locator("tbody td[data-suppressed]").count();
      expect(hidden).toBeGreaterThan(0);
      expect(await table.locator("tbody td[data-suppressed]").first().textContent()).toBe("▒");
      expect(await other.getByTestId("insights-summary").textContent()).toContain(`${hidden} hidden`);
    } finally {
      await other.close();
    }
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
