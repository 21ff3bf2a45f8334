import { describe, expect, it } from "vitest";
import { isDisposableEmailDomain, isLikelyEmail, standardizeEmail } from "./email.js";

const std = (address: string, label?: string) =>
  standardizeEmail(label === undefined ? { address } : { address, label }, "emails[0]");

describe("standardizeEmail canonical forms", () => {
  it.each([
    // Gmail: dots and +tags do not matter; googlemail.com is gmail.com.
    ["John.Smith@gmail.com", "johnsmith@gmail.com"],
    ["j.o.h.n.s.m.i.t.h+news@GMAIL.COM", "johnsmith@gmail.com"],
    ["john.smith+a+b@googlemail.com", "johnsmith@gmail.com"],
    ["  JohnSmith@Gmail.Com  ", "johnsmith@gmail.com"],
    // Outlook.com family: +tags; dots matter.
    ["first.last+shop@outlook.com", "first.last@outlook.com"],
    ["first.last+x@hotmail.co.uk", "first.last@hotmail.co.uk"],
    ["a.b+c@live.com", "a.b@live.com"],
    ["a.b+c@msn.com", "a.b@msn.com"],
    ["a.b-c@hotmail.com", "a.b-c@hotmail.com"],
    // Yahoo: disposable "basename-keyword"; no +tags; dots matter.
    ["jane.doe-shopping@yahoo.com", "jane.doe@yahoo.com"],
    ["jane-x@yahoo.co.uk", "jane@yahoo.co.uk"],
    ["jane+x@yahoo.com", "jane+x@yahoo.com"],
    ["jane.doe@ymail.com", "jane.doe@ymail.com"],
    // iCloud, Fastmail, HEY: +tags.
    ["me+apple@icloud.com", "me@icloud.com"],
    ["me+apple@me.com", "me@me.com"],
    ["me+x@fastmail.com", "me@fastmail.com"],
    ["anything@joe.fastmail.com", "joe@fastmail.com"],
    ["me+x@hey.com", "me@hey.com"],
    // Proton: '.', '_' and '-' are transparent, +tags, and its domains are one namespace.
    ["john.doe+x@protonmail.com", "johndoe@proton.me"],
    ["john_doe@pm.me", "johndoe@proton.me"],
    ["john-doe@protonmail.ch", "johndoe@proton.me"],
    // Yandex: one namespace, '.' and '-' interchangeable, +tags.
    ["ivan.petrov+shop@yandex.com", "ivan-petrov@yandex.ru"],
    ["ivan-petrov@ya.ru", "ivan-petrov@yandex.ru"],
    // Others: only lower case; +tags kept because the provider's rules are not known.
    ["John.Smith+x@Example.COM", "john.smith+x@example.com"],
    ["first.last@company.co.uk", "first.last@company.co.uk"],
    // Wrappers.
    ["mailto:Jane@Example.org", "jane@example.org"],
    ["mailto:jane@example.org?subject=Hello", "jane@example.org"],
    ["Jane Doe <Jane.Doe@Example.org>", "jane.doe@example.org"],
    ['"Doe, Jane" <jane@example.org>', "jane@example.org"],
    ["jane@example.org.", "jane@example.org"],
  ])("%j → %j", (address, canonical) => {
    const { value } = std(address);
    expect(value?.valid).toBe(true);
    expect(value?.canonical).toBe(canonical);
  });

  it("keeps the original, the normalised form and the parts", () => {
    expect(std("  John.Smith+news@GoogleMail.com ", "Work").value).toEqual({
      original: "  John.Smith+news@GoogleMail.com ",
      normalized: "john.smith+news@googlemail.com",
      canonical: "johnsmith@gmail.com",
      local: "john.smith+news",
      domain: "googlemail.com",
      valid: true,
      disposable: false,
      role: false,
      freeProvider: true,
      label: "work",
    });
  });

  it("gives the same canonical form to the same Gmail mailbox however written", () => {
    const forms = [
      "johnsmith@gmail.com",
      "John.Smith@gmail.com",
      "j.ohnsmith+x@googlemail.com",
      "JOHNSMITH+Y@GMAIL.COM",
    ];
    expect(new Set(forms.map((f) => std(f).value?.canonical)).size).toBe(1);
  });
});

describe("standardizeEmail syntax", () => {
  it.each([
    "plain@example.com",
    "a@b.co",
    "o'reilly@example.ie",
    "user_name-x.y@sub.domain.example.com",
    "first+last@example.museum",
    "josé@café.fr",
    "user@xn--caf-dma.fr",
    "x@example.technology",
    "1234567890@example.com",
    "a!#$%&*=?^`{|}~@example.com",
  ])("%j is valid", (address) => {
    expect(std(address).value?.valid).toBe(true);
    expect(std(address).issues.filter((i) => i.code === "email_invalid_syntax")).toEqual([]);
  });

  it.each([
    "plainaddress",
    "@example.com",
    "user@",
    "user@example",
    "user@@example.com",
    "user@exa@mple.com",
    "user.@example.com",
    ".user@example.com",
    "us..er@example.com",
    "user@example..com",
    "user@.example.com",
    "user@-example.com",
    "user@example-.com",
    "user@example.c",
    "user@example.123",
    "user@exam ple.com",
    "us er@example.com",
    "user@example,com",
    "user@[192.168.0.1]",
    "user@example.c0m",
    `${"a".repeat(65)}@example.com`,
    `user@${"a".repeat(64)}.com`,
    "john.smith(at)example.com",
  ])("%j is not valid", (address) => {
    const { value, issues } = std(address);
    expect(value?.valid).toBe(false);
    expect(value?.canonical).toBe(value?.normalized);
    expect(issues.map((i) => [i.code, i.field, i.severity])).toContainEqual([
      "email_invalid_syntax",
      "emails[0]",
      "error",
    ]);
  });

  it.each(["", "   ", "mailto:", "<>"])("%j is empty", (address) => {
    const { value, issues } = std(address);
    expect(value).toBeNull();
    expect(issues.map((i) => i.code)).toContain("email_empty");
  });
});

describe("standardizeEmail flags", () => {
  it.each([
    ["x@mailinator.com", true],
    ["x@guerrillamail.com", true],
    ["x@10minutemail.com", true],
    ["x@yopmail.com", true],
    ["x@sharklasers.com", true],
    ["x@anything.sharklasers.com", true],
    ["x@a.b.33mail.com", true],
    ["x@gmail.com", false],
    ["x@yahoo.com", false],
    ["x@outlook.com", false],
    ["x@proton.me", false],
    ["x@acme.com", false],
    ["x@mail.acme.com", false],
  ])("%j disposable: %j", (address, disposable) => {
    const { value, issues } = std(address);
    expect(value?.disposable).toBe(disposable);
    expect(issues.some((i) => i.code === "email_disposable")).toBe(disposable);
  });

  it.each([
    ["info@acme.com", true],
    ["sales@acme.com", true],
    ["Support@acme.com", true],
    ["admin@acme.com", true],
    ["noreply@acme.com", true],
    ["no-reply@acme.com", true],
    ["no_reply@acme.com", true],
    ["do-not-reply@acme.com", true],
    ["postmaster@acme.com", true],
    ["webmaster@acme.com", true],
    ["hello@acme.com", true],
    ["billing+invoices@acme.com", true],
    ["customer.service@acme.com", true],
    ["john.smith@acme.com", false],
    ["information.officer.jones@acme.com", false],
    ["infosys@acme.com", false],
    ["salesman@acme.com", false],
  ])("%j role: %j", (address, role) => {
    expect(std(address).value?.role).toBe(role);
  });

  it.each([
    ["x@gmail.com", true],
    ["x@googlemail.com", true],
    ["x@yahoo.co.uk", true],
    ["x@hotmail.fr", true],
    ["x@outlook.com", true],
    ["x@icloud.com", true],
    ["x@gmx.de", true],
    ["x@web.de", true],
    ["x@mail.ru", true],
    ["x@qq.com", true],
    ["x@naver.com", true],
    ["x@orange.fr", true],
    ["x@protonmail.com", true],
    ["x@bigpond.com", true],
    ["x@acme.com", false],
    ["x@mail.google.com", false],
    ["x@harvard.edu", false],
  ])("%j free provider: %j", (address, free) => {
    expect(std(address).value?.freeProvider).toBe(free);
  });

  it.each([
    ["bob@gmial.com", "gmail.com"],
    ["bob@gmail.con", "gmail.com"],
    ["bob@hotmial.com", "hotmail.com"],
    ["bob@yahooo.com", "yahoo.com"],
  ])("%j hints at a typo of %j", (address, fix) => {
    const typo = std(address).issues.find((i) => i.code === "email_domain_typo");
    expect(typo?.message).toContain(fix);
    expect(std(address).value?.valid).toBe(true);
  });

  it("says when a display name was removed", () => {
    expect(std("Jane <jane@example.org>").issues.map((i) => i.code)).toEqual(["email_display_name_removed"]);
  });
});

describe("isDisposableEmailDomain", () => {
  it.each([
    ["mailinator.com", true],
    ["MAILINATOR.COM", true],
    ["sub.mailinator.com", true],
    ["gmail.com", false],
    ["com", false],
    ["", false],
  ])("%j → %j", (domain, expected) => {
    expect(isDisposableEmailDomain(domain)).toBe(expected);
  });
});

describe("isLikelyEmail", () => {
  it.each([
    ["john@example.com", true],
    [" john.smith+x@mail.example.co.uk ", true],
    ["josé@café.fr", true],
    ["john@example", false],
    ["john.example.com", false],
    ["john@@example.com", false],
    ["john smith@example.com", false],
    ["@example.com", false],
    ["john@.com", false],
    ["", false],
    ["a@b.c", false],
    [`${"a".repeat(300)}@example.com`, false],
    ["<john@example.com>", false],
  ])("%j → %j", (s, expected) => {
    expect(isLikelyEmail(s)).toBe(expected);
  });

  it("is fast and never backtracks badly", () => {
    const evil = `${"a.".repeat(120)}@${"b.".repeat(60)}`;
    const started = performance.now();
    for (let i = 0; i < 10_000; i++) isLikelyEmail(evil);
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe("standardizeEmail never throws", () => {
  it.each<[string, unknown]>([
    ["null", null],
    ["undefined address", {}],
    ["a number", { address: 42 }],
    ["10,000 characters", { address: "a".repeat(10_000) }],
    ["10,000 characters around an @", { address: `${"a".repeat(5000)}@${"b".repeat(5000)}.com` }],
    ["emoji", { address: "😀@😀.com" }],
    ["only punctuation", { address: "!@#$%^&*()" }],
    ["control characters", { address: "\u0000@\u0001.com" }],
    ["lone surrogate", { address: "\uD800@example.com" }],
    ["many @", { address: "@".repeat(1000) }],
  ])("%s", (_label, input) => {
    expect(() => standardizeEmail(input as never)).not.toThrow();
  });
});
