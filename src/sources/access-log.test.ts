import { afterAll, describe, expect, it } from "vitest";
import { readSource } from "./open-source.js";
import { collect, tempDir } from "./testing.js";

const dir = tempDir();
afterAll(() => dir.dispose());

const chrome =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36";
const line = (ip: string, time: string, path: string, referrer = "-", agent = chrome, status = 200) =>
  `${ip} - - [${time} +0000] "GET ${path} HTTP/1.1" ${status} 512 "${referrer}" "${agent}"`;

describe("readAccessLog", () => {
  it("groups hits into sessions that 30 minutes of inactivity end, with campaign, referrer and order ids", async () => {
    const log = [
      line(
        "1.2.3.4",
        "12/Jan/2019:10:00:00",
        "/?utm_source=news&utm_medium=email&utm_campaign=spring&mc_eid=ab12",
        "https://mail.example/",
      ),
      line("5.6.7.8", "12/Jan/2019:10:05:00", "/cart"),
      line("1.2.3.4", "12/Jan/2019:10:20:00", "/account/orders/ORD-0042", "https://shop.example/"),
      line("1.2.3.4", "12/Jan/2019:10:49:59", "/products/tent"),
      // 31 minutes later: a new visit
      line("1.2.3.4", "12/Jan/2019:11:21:00", "/"),
    ].join("\n");
    const { rows, unreadable } = await collect(readSource(dir.file("a.log", log)));
    expect(unreadable).toEqual([]);
    const byId = new Map(rows.map((r) => [r.values.session_id, r.values]));
    expect([...byId.keys()].sort()).toEqual(["1", "2", "5"]);
    const first = byId.get("1")!;
    expect(first.hits).toBe(3);
    expect(first.pages).toEqual(["/", "/account/orders/ORD-0042", "/products/tent"]);
    expect(first.utm_source).toBe("news");
    expect(first.utm_campaign).toBe("spring");
    expect(first.mc_eid).toBe("ab12");
    expect(first.referrer).toBe("https://mail.example/");
    expect(first.order_ids).toEqual(["ORD-0042"]);
    expect(first.duration_s).toBe(49 * 60 + 59);
    expect(first.started_at).toBe("2019-01-12T10:00:00.000Z");
    expect(byId.get("5")!.hits).toBe(1);
  });

  it("quarantines a truncated line and crawler or scanner sessions, with the reason", async () => {
    const log = [
      line("1.2.3.4", "12/Jan/2019:10:00:00", "/"),
      '9.9.9.9 - - [12/Jan/2019:10:00:01 +0000] "GET /prod',
      line(
        "66.249.1.1",
        "12/Jan/2019:10:00:02",
        "/robots.txt",
        "-",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
      ),
      line("7.7.7.7", "12/Jan/2019:10:00:03", "/wp-login.php", "-", "Mozilla/5.0 (X11; Linux x86_64)", 404),
      line("1.2.3.4", "12/Jan/2019:10:00:09", "/cart"),
    ].join("\n");
    const { rows, unreadable } = await collect(readSource(dir.file("b.log", log)));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.values.hits).toBe(2);
    const reasons = unreadable.map((u) => [u.rowNumber, u.reason.code]);
    expect(reasons).toEqual(
      expect.arrayContaining([
        [2, "access_log_invalid_line"],
        [3, "access_log_bot"],
        [4, "access_log_bot"],
      ]),
    );
    expect(unreadable.find((u) => u.rowNumber === 3)!.reason.message).toContain("Googlebot");
    expect(unreadable.find((u) => u.rowNumber === 4)!.reason.message).toContain("/wp-login.php");
  });

  it("reads clickstream JSON lines as sessions keyed by the anonymous id", async () => {
    const events = [
      {
        timestamp: "2024-05-01T10:00:00Z",
        anonymousId: "a1",
        properties: { url: "https://shop.example/?utm_source=ig" },
      },
      {
        timestamp: "2024-05-01T10:01:00Z",
        anonymousId: "a2",
        properties: { url: "https://shop.example/cart" },
      },
      {
        timestamp: "2024-05-01T10:02:00Z",
        anonymousId: "a1",
        userId: "u-9",
        properties: { url: "https://shop.example/account" },
      },
      { anonymousId: "a1", properties: { url: "https://shop.example/x" } },
    ];
    const path = dir.file("c.jsonl", events.map((e) => JSON.stringify(e)).join("\n"));
    const { rows, unreadable } = await collect(readSource(path, { format: "clickstream" }));
    expect(rows.map((r) => [r.values.anonymous_id, r.values.hits, r.values.user_id ?? null])).toEqual([
      ["a1", 2, "u-9"],
      ["a2", 1, null],
    ]);
    expect(rows[0]!.values.utm_source).toBe("ig");
    expect(unreadable.map((u) => [u.rowNumber, u.reason.code, u.reason.field])).toEqual([
      [4, "clickstream_invalid_event", "timestamp"],
    ]);
  });
});
