import { afterAll, describe, expect, it } from "vitest";
import { readSource } from "./open-source.js";
import { collect, tempDir } from "./testing.js";

const dir = tempDir();
afterAll(() => dir.dispose());

const plain = [
  "From jane@example.com Wed Nov 13 16:23:24 2019",
  "From: =?UTF-8?B?SsO2cmcgTcO8bGxlcg==?= <Jorg.Muller@Example.com>",
  'To: "Support" <support@shop.example>',
  "Subject: Where is my order?",
  "Date: Wed, 13 Nov 2019 11:23:24 -0500",
  "Message-ID: <a1@mail.example.com>",
  "",
  "Hi,",
  ">From what I can see it has not shipped.",
  "",
  "On Tue, 12 Nov 2019, Support <support@shop.example> wrote:",
  "> Thanks for reaching out.",
  "",
].join("\n");

const withAttachment = [
  "From bob@example.com Thu Nov 14 10:00:00 2019",
  "From: Bob Stone <bob@example.com>",
  "Subject: Photo of the damage",
  "Message-ID: <a2@mail.example.com>",
  "MIME-Version: 1.0",
  'Content-Type: multipart/mixed; boundary="XYZ"',
  "",
  "--XYZ",
  "Content-Type: text/plain; charset=UTF-8",
  "",
  "See the attached photo.",
  "--XYZ",
  "Content-Type: application/octet-stream",
  'Content-Disposition: attachment; filename="photo.bin"',
  "Content-Transfer-Encoding: base64",
  "",
  Buffer.from([0, 1, 2, 255, 254, 0, 0, 7]).toString("base64"),
  "--XYZ--",
  "",
].join("\n");

describe("readMbox", () => {
  it("reads each message as a row: sender, recipients, body without the quoted reply, mboxrd unquoting", async () => {
    const path = dir.file("a.mbox", `${plain}\n${withAttachment}`);
    const { rows, unreadable } = await collect(readSource(path));
    expect(unreadable).toEqual([]);
    expect(rows.map((r) => r.rowNumber)).toEqual([1, 2]);
    const first = rows[0]!.values;
    expect(first.message_id).toBe("<a1@mail.example.com>");
    expect(first.from_address).toBe("Jorg.Muller@Example.com");
    expect(first.from_name).toBe("Jörg Müller");
    expect(first.to).toEqual(["support@shop.example"]);
    expect(first.date).toBe("2019-11-13T16:23:24.000Z");
    expect(first.body).toBe("Hi,\nFrom what I can see it has not shipped.");
    expect(first.quoted_chars).toBeGreaterThan(20);
    const second = rows[1]!.values;
    expect(second.body).toBe("See the attached photo.");
    expect(second.attachments).toEqual([
      { filename: "photo.bin", content_type: "application/octet-stream", size: 8 },
    ]);
  });

  it("quarantines text before the first From line and a part that is not a message, and reads on", async () => {
    const path = dir.file(
      "b.mbox",
      `this is not a mailbox\nat all\n\n${plain}\nFrom nobody Thu Nov 14 10:00:00 2019\n\x00\x01\x02garbage without headers\n\n${withAttachment}`,
    );
    const { items, unreadable } = await collect(readSource(path));
    expect(items.map((i) => i.kind)).toEqual(["unreadable", "row", "unreadable", "row"]);
    const [preamble, broken] = unreadable;
    expect(preamble?.reason.code).toBe("mbox_no_from_line");
    expect(preamble?.reason.message).toContain("lines 1 to 2");
    expect(broken?.reason.code).toBe("email_not_a_message");
    expect(broken?.reason.message).toContain("message 3 (line 17)");
  });

  it("reads a single .eml file", async () => {
    const eml = plain.split("\n").slice(1).join("\n");
    const { rows } = await collect(readSource(dir.file("one.eml", eml)));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.values.subject).toBe("Where is my order?");
  });
});
