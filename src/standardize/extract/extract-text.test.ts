import { describe, expect, it } from "vitest";
import { emptyAttributes } from "../../model/source-record.js";
import { findEmails, findHandles, findPhones, profileOfUrl } from "./contacts.js";
import { addEvidence } from "./evidence.js";
import { extractFacts } from "./extract-text.js";
import { findInterests } from "./interests.js";
import { detectLanguage } from "./language.js";
import { sentimentOf } from "./sentiment.js";
import { findSignature } from "./signature.js";

const body = [
  "Good morning,",
  "",
  "My order ORD-0042 arrived damaged and I am very disappointed. Please call me back on (214) 487-8682",
  "or write to Mal.Moore@Example.com. I love hiking and coffee.",
  "",
  "--",
  "Mallory Moore",
  "Senior Buyer | Prohaska Inc",
  "Tel: (214) 487-8681",
  "M: +1 469 555 0134",
  "www.prohaska.co",
  "",
].join("\n");

describe("contact points in text", () => {
  it("finds emails, phones, URLs and handles with their spans", () => {
    const text = "Mail jo.x@Mail.com, call +44 20 7946 0958 or see https://twitter.com/jo_x and @jo_x.";
    const emails = findEmails(text);
    expect(emails.map((e) => [e.value, text.slice(e.start, e.end)])).toEqual([
      ["jo.x@mail.com", "jo.x@Mail.com"],
    ]);
    const phones = findPhones(text, "US");
    expect(phones.map((p) => [p.value, text.slice(p.start, p.end), p.valid])).toEqual([
      ["+442079460958", "+44 20 7946 0958", true],
    ]);
    expect(findHandles(text).map((h) => [h.value, h.label])).toEqual([
      ["jo_x", "mention"],
      ["jo_x", "twitter"],
    ]);
    expect(profileOfUrl("https://www.instagram.com/p/abc")).toBeNull();
    expect(profileOfUrl("https://www.tiktok.com/@Some.One")).toEqual({
      network: "tiktok",
      handle: "some.one",
    });
  });
});

describe("findSignature", () => {
  it("reads name, title, company, labelled phones and links after a -- line", () => {
    const sig = findSignature(body, "US")!;
    expect(sig.marker).toBe("delimiter");
    expect(sig.name?.value).toBe("Mallory Moore");
    expect(body.slice(sig.name!.start, sig.name!.end)).toBe("Mallory Moore");
    expect(sig.title?.value).toBe("Senior Buyer");
    expect(sig.organization?.value).toBe("Prohaska Inc");
    expect(sig.phones.map((p) => [p.value, p.label])).toEqual([
      ["+12144878681", "work"],
      ["+14695550134", "mobile"],
    ]);
    expect(sig.urls.map((u) => u.value)).toEqual(["https://www.prohaska.co"]);
  });

  it("finds a signature after a sign-off, with an address, and none in plain text", () => {
    const text =
      "Do you ship to Canada?\n\nBest regards,\nVivienne Jacobs\n+12892921838\n2751 Dewey Spurs\nMississauga, ON L8A 0J2\n";
    const sig = findSignature(text)!;
    expect(sig.marker).toBe("sign-off");
    expect(sig.name?.value).toBe("Vivienne Jacobs");
    expect(sig.address?.value).toBe("2751 Dewey Spurs, Mississauga, ON L8A 0J2");
    expect(findSignature("Rebecca\n\nSent from my iPad")?.name).toMatchObject({
      value: "Rebecca",
      singleWord: true,
    });
    expect(findSignature("Do you ship to Canada? I would like to send a gift.")).toBeNull();
  });
});

describe("extractFacts", () => {
  it("gives every fact its document, field, span and confidence", () => {
    const facts = extractFacts(body, { document: "support/<a1@x>", field: "body", defaultCountry: "US" });
    for (const f of facts) {
      expect(f.document).toBe("support/<a1@x>");
      expect(f.field).toBe("body");
      expect(f.end).toBeGreaterThanOrEqual(f.start);
      expect(f.confidence).toBeGreaterThan(0);
      expect(f.confidence).toBeLessThanOrEqual(1);
    }
    const of = (kind: string) => facts.filter((f) => f.kind === kind);
    expect(of("email").map((f) => [f.value, body.slice(f.start, f.end)])).toEqual([
      ["mal.moore@example.com", "Mal.Moore@Example.com"],
    ]);
    expect(of("phone").map((f) => [f.value, f.label ?? null, f.confidence])).toEqual([
      ["+12144878682", null, 0.92],
      ["+12144878681", "work", 0.96],
      ["+14695550134", "mobile", 0.96],
    ]);
    const person = of("person").find((f) => f.label === "signature")!;
    expect(body.slice(person.start, person.end)).toBe("Mallory Moore");
    expect(person.confidence).toBeGreaterThanOrEqual(0.8);
    expect(of("organization").map((f) => f.value)).toContain("Prohaska Inc");
    expect(of("job_title").map((f) => f.value)).toEqual(["Senior Buyer"]);
    expect(of("language").map((f) => f.value)).toEqual(["en"]);
    expect(of("interest").map((f) => f.value)).toEqual(["outdoors/hiking", "food/coffee"]);
    expect(of("sentiment").map((f) => [f.start, f.end, f.method])).toEqual([[0, body.length, "wink-nlp"]]);
  });
});

describe("language, sentiment and interests", () => {
  it("tells languages apart and leaves short text alone", () => {
    expect(
      detectLanguage("Bonjour, je voudrais retourner ma commande car elle ne me va pas du tout, merci.")
        ?.language,
    ).toBe("fr");
    expect(
      detectLanguage("I would like to return my order because it does not fit me at all, thank you.")
        ?.language,
    ).toBe("en");
    expect(detectLanguage("Hi there")).toBeNull();
  });

  it("scores sentiment with negation", () => {
    expect(sentimentOf("I love it, great service").label).toBe("positive");
    expect(sentimentOf("This is terrible, the worst purchase ever").label).toBe("negative");
    expect(sentimentOf("This is not good").score).toBeLessThan(sentimentOf("This is good").score);
  });

  it("matches whole words and prefixes of our taxonomy", () => {
    expect(findInterests("Runner, dog person and coffee lover").map((i) => i.interest)).toEqual([
      "outdoors/running",
      "pets",
      "food/coffee",
    ]);
    expect(findInterests("catalogue")).toEqual([]);
  });
});

describe("addEvidence", () => {
  it("adds confident emails and phones, a profile handle and the signature name; keeps the rest as evidence", () => {
    const attributes = emptyAttributes();
    attributes.emails.push({ address: "mal.moore@example.com" });
    attributes.texts.push({ name: "body", value: `${body}\nhttps://www.instagram.com/mal_moore\n` });
    addEvidence(attributes, "support/1", { defaultCountry: "US" });
    expect(attributes.emails).toEqual([{ address: "mal.moore@example.com" }]);
    expect(attributes.phones.map((p) => [p.number, p.label])).toEqual([
      ["+12144878682", "extracted"],
      ["+12144878681", "extracted"],
      ["+14695550134", "extracted"],
    ]);
    expect(attributes.identifiers).toEqual([
      { type: "social_handle", value: "mal_moore", namespace: "instagram" },
    ]);
    expect(attributes.name).toEqual({ full: "Mallory Moore" });
    expect(attributes.evidence?.some((f) => f.kind === "language")).toBe(true);
  });

  it("leaves a record without texts exactly as it was, and never replaces a name the source gave", () => {
    const plain = emptyAttributes();
    expect(addEvidence(plain, "crm/1")).toEqual(emptyAttributes());
    const named = emptyAttributes();
    named.name = { given: "Mal" };
    named.texts.push({ name: "body", value: body });
    addEvidence(named, "support/2", { defaultCountry: "US" });
    expect(named.name).toEqual({ given: "Mal" });
  });
});

describe("locations, introductions and names", () => {
  it("reads the city a location field names, and nothing from one that names no place", async () => {
    const { findLocation } = await import("./location.js");
    expect(findLocation("Shreveport, LA")).toMatchObject({
      city: "Shreveport",
      region: "LA",
      start: 0,
      end: 14,
    });
    expect(findLocation("📍 Leeds")).toMatchObject({ city: "Leeds", region: null });
    for (const none of ["Earth 🌍", "somewhere", "the internet", "wherever the trail goes", "home"])
      expect(findLocation(none), none).toBeNull();
    const attributes = { ...emptyAttributes(), texts: [{ name: "location", value: "Britneyville, CT" }] };
    addEvidence(attributes, "social/1", { nlp: false });
    expect(attributes.addresses).toEqual([{ label: "extracted", city: "Britneyville", region: "CT" }]);
    const withAddress = {
      ...emptyAttributes(),
      addresses: [{ postcode: "06288" }],
      texts: [{ name: "location", value: "Britneyville, CT" }],
    };
    addEvidence(withAddress, "social/2", { nlp: false });
    expect(withAddress.addresses).toEqual([{ postcode: "06288" }]);
  });

  it("takes the name a speaker gives themselves as the record's name", () => {
    const attributes = {
      ...emptyAttributes(),
      texts: [{ name: "customer", value: "Hi, this is urgent.\nHello, my name is Joyce Sauer." }],
    };
    addEvidence(attributes, "support_chat/1", { nlp: false });
    expect(attributes.name).toEqual({ full: "Joyce Sauer" });
    const facts = attributes.evidence!.filter((f) => f.kind === "person");
    expect(facts.map((f) => [f.value, f.method])).toEqual([["Joyce Sauer", "introduction"]]);
  });

  it("does not take a company or a lone surname for a person", async () => {
    const { findEntities } = await import("./entities.js");
    const people = findEntities(
      "I spoke to Rohan Group and Reynolds LLC, then to Mallory Moore at Kris and Sons.",
    )
      .filter((e) => e.kind === "person")
      .map((e) => e.value);
    expect(people).not.toContain("Rohan");
    expect(people).not.toContain("Reynolds");
    expect(people).not.toContain("Kris");
  });
});

describe("where the NLP steps run", () => {
  it("keeps the sentences with a run of capitalised words the rules have not read, blanking the rest", async () => {
    const { namingSentences } = await import("./prose.js");
    const text = "Hi Maria, Jasmine Park here. I moved to Atlanta. Mr. Smith at Rau Group said so.";
    const prose = namingSentences(text)!;
    expect(prose).toHaveLength(text.length);
    expect(prose.trim().split(/\s{2,}/)).toEqual([
      "Hi Maria, Jasmine Park here.",
      "Mr. Smith at Rau Group said so.",
    ]);
    // "Jasmine Park" is read by the introductions rule already.
    const read = [{ start: 10, end: 22 }];
    expect(namingSentences(text, read)!.trim()).toBe("Mr. Smith at Rau Group said so.");
    for (const none of [
      "Do you ship to Mexico?",
      "Gamer | Hiker ✦ Runner",
      "Order ORD-0042 arrived. Thanks",
      "Hi Jordan, I'm fine",
    ])
      expect(namingSentences(none), none).toBeNull();
    expect(namingSentences("152 Stoney Ln\nSheffield S14 7FN")).not.toBeNull();
  });

  it("names the places compromise's lexicon knows outside those sentences, and no order number", async () => {
    const { findEntities } = await import("./entities.js");
    expect(
      findEntities("Do you ship to Mexico? My order ORD-0042 is late.").map((e) => [e.kind, e.value]),
    ).toEqual([["place", "Mexico"]]);
    const again = findEntities("I spoke to Mallory Moore at Kris and Sons.");
    expect(findEntities("I spoke to Mallory Moore at Kris and Sons.")).toBe(again);
    expect(Object.isFrozen(again)).toBe(true);
  });

  it("does not search text with too few digits for phone numbers", () => {
    expect(findPhones("Order 12 of 34, call me", "US")).toEqual([]);
    expect(findPhones("call +683 4002 now", "US").map((p) => p.value)).toEqual(["+6834002"]);
  });

  it("finds the same interests with or without the quick pre-check", async () => {
    const { compileTaxonomy } = await import("./interests.js");
    const { interestTaxonomy } = await import("./taxonomy.js");
    const unchecked = compileTaxonomy(interestTaxonomy).map((t) => ({ ...t, needle: "" }));
    for (const text of ["MOUNTAIN Hiking, Trail-running; ☕ and 📚", "Cat person · DIY · Home decor", body]) {
      const found = findInterests(text);
      expect(found.length).toBeGreaterThan(0);
      expect(found).toEqual(findInterests(text, unchecked));
    }
  });
});
