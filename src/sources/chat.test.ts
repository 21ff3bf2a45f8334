import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readSource } from "./open-source.js";
import { collect, type TempDir, tempDir } from "./testing.js";

describe("chat and call transcripts", () => {
  let dir: TempDir;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.dispose());

  const turn = (id: string, speaker: string, text: string | null, at: string, extra = {}) =>
    JSON.stringify({ conversation_id: id, timestamp: at, speaker, text, ...extra });

  it("gathers interleaved JSON turns into one row per conversation with the customer's statements", async () => {
    const path = dir.file(
      "chats.jsonl",
      [
        turn("A", "agent", "Hi! How can I help?", "2020-01-01T10:00:00Z", { visitor_name: "Jane Doe" }),
        turn("B", "agent", "Thank you for calling.", "2020-01-01T10:00:30Z", { caller_id: "+12144878682" }),
        turn("A", "customer", "My order ORD-1 is late.", "2020-01-01T10:01:00Z"),
        turn("B", "caller", "Hello, my name is John Roe.", "2020-01-01T10:01:10Z"),
        turn("A", "agent", "Can I have your e-mail?", "2020-01-01T10:02:00Z"),
        turn("A", "customer", "jane@example.com", "2020-01-01T10:03:30Z"),
      ].join("\n"),
    );
    const { rows, unreadable } = await collect(readSource(path, { format: "chat" }));
    expect(unreadable).toEqual([]);
    const byId = new Map(rows.map((r) => [r.values.conversation_id, r]));
    const a = byId.get("A")!;
    expect(a.rowNumber).toBe(1);
    expect(a.values).toMatchObject({
      customer_name: "Jane Doe",
      customer_text: "My order ORD-1 is late.\njane@example.com",
      turns: 4,
      customer_turns: 2,
      agent_turns: 2,
      started_at: "2020-01-01T10:00:00.000Z",
      ended_at: "2020-01-01T10:03:30.000Z",
      duration_s: 210,
    });
    expect(a.values.transcript).toContain("agent: Can I have your e-mail?");
    // The agent's words are not the customer's.
    expect(String(a.values.customer_text)).not.toContain("How can I help");
    expect(byId.get("B")!.values).toMatchObject({
      customer_phone: "+12144878682",
      customer_text: "Hello, my name is John Roe.",
    });
  });

  it("reads CSV turns, and quarantines a turn without text, bad JSON and a conversation the customer never joined", async () => {
    const csv = dir.file(
      "calls.csv",
      "call_id,role,utterance,time\nC1,agent,Hello,1577872800\nC1,user,I need help with my order,1577872860\n",
    );
    const fromCsv = await collect(readSource(csv, { format: "chat" }));
    expect(
      fromCsv.rows.map((r) => [r.values.conversation_id, r.values.customer_text, r.values.duration_s]),
    ).toEqual([["C1", "I need help with my order", 60]]);

    const path = dir.file(
      "bad.jsonl",
      [
        turn("A", "customer", "hi", "2020-01-01T10:00:00Z"),
        turn("A", "customer", null, "2020-01-01T10:00:01Z"),
        "{not json",
        turn("Z", "agent", "Anyone there?", "2020-01-01T10:00:02Z"),
        JSON.stringify({ speaker: "customer", text: "no id" }),
      ].join("\n"),
    );
    const { rows, unreadable } = await collect(readSource(path, { format: "chat" }));
    expect(rows.map((r) => r.values.conversation_id)).toEqual(["A"]);
    expect(unreadable.map((u) => [u.rowNumber, u.reason.code])).toEqual(
      expect.arrayContaining([
        [2, "chat_invalid_turn"],
        [3, "jsonl_invalid_json"],
        [4, "chat_no_customer_turn"],
        [5, "chat_invalid_turn"],
      ]),
    );
    expect(unreadable.find((u) => u.rowNumber === 2)!.reason.message).toContain("conversation A");
    expect(unreadable.find((u) => u.rowNumber === 4)!.reason.message).toContain("conversation Z");
  });
});
