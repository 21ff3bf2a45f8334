import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../store/api-keys.js";
import { countEvents } from "../store/events.js";
import { type TestStore, testEngines } from "../store/testing.js";
import { chromiumArgs, chromiumPath, hasChromium } from "../testing/chromium.js";
import { type RunningServer, runServer } from "./run.js";

/**
 * analytics.js (Segment's browser library, `@segment/analytics-next`) on a page of another origin, in Debian's
 * Chromium: it loads its settings from Tessera and sends its calls there, cross-origin, with nothing changed but
 * the host.
 */

const require = createRequire(import.meta.url);
const bundle = join(require.resolve("@segment/analytics-next/package.json"), "../dist/umd/index.js");
const sqlite = (await testEngines()).find((e) => e.name === "sqlite");

describe.skipIf(!hasChromium || !sqlite)("analytics.js in Chromium", () => {
  let t: TestStore;
  let tessera: RunningServer;
  let site: Server;
  let siteUrl: string;
  let write: string;

  beforeAll(async () => {
    t = await (sqlite as NonNullable<typeof sqlite>).open();
    write = (await createApiKey(t.store.db, { kind: "write", name: "site", source: "site" })).key;
    tessera = await runServer(t.store, { port: 0, webhooks: false });
    const script = readFileSync(bundle);
    site = createServer((req, res) => {
      if (req.url === "/analytics.js") {
        res.setHeader("content-type", "text/javascript");
        res.end(script);
        return;
      }
      res.setHeader("content-type", "text/html");
      res.end(
        `<!doctype html><html><head><script src="/analytics.js"></script></head><body>shop</body></html>`,
      );
    });
    await new Promise<void>((r) => site.listen(0, "127.0.0.1", r));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    await tessera?.close();
    await new Promise((r) => site?.close(r));
    await t?.dispose();
  });

  it("identifies and tracks from the page, and the profile holds both", { timeout: 60_000 }, async () => {
    const browser = await chromium.launch({
      executablePath: chromiumPath,
      args: chromiumArgs,
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(siteUrl);
      await page.evaluate(
        async ({ writeKey, cdnURL }) => {
          // biome-ignore lint/suspicious/noExplicitAny: the UMD bundle's global
          const { AnalyticsBrowser } = (globalThis as any).AnalyticsNext;
          const [analytics] = await AnalyticsBrowser.load({ writeKey, cdnURL });
          await analytics.identify("browser-user", {
            email: "browser.user@mail.shop",
            firstName: "Ilse",
            lastName: "Brandt",
          });
          await analytics.track("Added to Cart", { sku: "B-7" });
          await analytics.page("Shop", "Home");
        },
        { writeKey: write, cdnURL: tessera.url },
      );
      for (let i = 0; i < 100 && (await countEvents(t.store.db)) < 3; i++)
        await new Promise((r) => setTimeout(r, 100));
      expect(errors).toEqual([]);
      const r = await fetch(`${tessera.url}/v1/profiles/user_id:browser-user`, {
        headers: {
          authorization: `Bearer ${(await createApiKey(t.store.db, { kind: "read", name: "r" })).key}`,
        },
      });
      const profile = (await r.json()) as {
        identities: { kind: string; value: string }[];
        events: { events: { type: string }[] };
      };
      expect(profile.events.events.map((e) => e.type).sort()).toEqual(["identify", "page", "track"]);
      expect(profile.identities.map((i) => i.kind)).toEqual(
        expect.arrayContaining(["anonymous_id", "email", "user_id"]),
      );
    } finally {
      await browser.close();
    }
  });
});
