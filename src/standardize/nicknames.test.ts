import { describe, expect, it } from "vitest";
import { areNicknameEquivalent, canonicalGivenName, nicknameRoots, nicknameStats } from "./nicknames.js";

describe("nickname data", () => {
  it("holds a broad list", () => {
    const stats = nicknameStats();
    expect(stats.formalNames).toBeGreaterThanOrEqual(400);
    expect(stats.pairs).toBeGreaterThanOrEqual(1200);
  });
});

describe("canonicalGivenName", () => {
  it.each([
    ["Bob", "robert"],
    ["bobby", "robert"],
    ["Rob", "robert"],
    ["Liz", "elizabeth"],
    ["Beth", "elizabeth"],
    ["Betty", "elizabeth"],
    ["Bess", "elizabeth"],
    ["Libby", "elizabeth"],
    ["Bill", "william"],
    ["Will", "william"],
    ["Billy", "william"],
    ["Peggy", "margaret"],
    ["Maggie", "margaret"],
    ["Jim", "james"],
    ["Jimmy", "james"],
    ["Kate", "katherine"],
    ["Katie", "katherine"],
    ["Catherine", "katherine"],
    ["Kathryn", "katherine"],
    ["Dick", "richard"],
    ["Jack", "john"],
    ["Johnny", "john"],
    ["Mike", "michael"],
    ["Micheal", "michael"],
    ["Tony", "anthony"],
    ["Ted", "edward"],
    ["Sally", "sarah"],
    ["Sara", "sarah"],
    ["Patsy", "patricia"],
    ["Hank", "henry"],
    ["Chuck", "charles"],
    ["Steve", "stephen"],
    ["Steven", "stephen"],
    ["Chris", "christopher"],
    ["Alex", "alexander"],
    ["Sam", "samuel"],
    ["Molly", "mary"],
    ["Polly", "mary"],
    ["Jenny", "jennifer"],
    ["Becky", "rebecca"],
    ["Sue", "susan"],
    ["Debbie", "deborah"],
    ["Pepe", "jose"],
    ["Paco", "francisco"],
    ["Sasha", "alexander"],
    ["ROBERT", "robert"],
    ["Nathan", "nathan"],
    ["Zebulon", "zebulon"],
    ["Xyzzy", "xyzzy"],
    ["", ""],
    ["Zoë", "zoe"],
  ])("%j → %j", (given, canonical) => {
    expect(canonicalGivenName(given)).toBe(canonical);
  });
});

describe("nicknameRoots", () => {
  it("lists every formal name of an ambiguous nickname", () => {
    expect(nicknameRoots("Al")).toEqual(expect.arrayContaining(["albert", "alfred", "alan", "alexander"]));
    expect(nicknameRoots("fred")).toEqual(expect.arrayContaining(["frederick", "alfred", "wilfred"]));
    expect(nicknameRoots("Sandy")).toEqual(expect.arrayContaining(["alexander", "alexandra", "sandra"]));
  });
  it.each([["robert"], ["xyzzy"], [""], ["!!!"]])("is empty for %j", (name) => {
    expect(nicknameRoots(name)).toEqual([]);
  });
  it("returns a copy the caller may change", () => {
    nicknameRoots("al").push("zzz");
    expect(nicknameRoots("al")).not.toContain("zzz");
  });
});

describe("areNicknameEquivalent", () => {
  it.each([
    ["Bob", "Robert", true],
    ["robert", "BOB", true],
    ["Liz", "Beth", true],
    ["Betty", "Elizabeth", true],
    ["Bill", "Will", true],
    ["Peggy", "Margaret", true],
    ["Jim", "James", true],
    ["Kate", "Catherine", true],
    ["Al", "Fred", true],
    ["Zoë", "zoe", true],
    ["Steven", "Stephen", true],
    ["Bob", "William", false],
    ["John", "James", false],
    ["Mary", "Margaret", false],
    ["", "", false],
    ["", "bob", false],
  ])("%j ~ %j → %j", (a, b, expected) => {
    expect(areNicknameEquivalent(a, b)).toBe(expected);
    expect(areNicknameEquivalent(b, a)).toBe(expected);
  });
});
