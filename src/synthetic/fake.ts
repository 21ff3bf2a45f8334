import { oneLineAddress } from "./addresses.js";
import { celebrityNames, disposableDomains, products } from "./catalog.js";
import type { ChunkContext, Subject } from "./context.js";
import { makeDevice, mobileIp, publicIp } from "./person.js";
import { placeholderPhones } from "./phones.js";
import { asciiFold } from "./pools.js";
import { type Rng, WeightedTable } from "./prng.js";
import { DAY, daysFromCivil, formatDate, isoTimestamp } from "./time.js";
import { emitIdentify, newSession } from "./writers/app-events.js";
import { emitCrmRow } from "./writers/crm.js";
import { customerName, orderLines, orderRow } from "./writers/orders.js";
import { emitProfile, postId } from "./writers/social.js";
import { emitSignup } from "./writers/web-signups.js";

/**
 * Fake and throwaway profiles: sign-ups with disposable mailboxes, keyboard-mash names ("asdf qwer"),
 * celebrity and placeholder names, impossible birth dates, and bursts of sign-ups from one address in a few
 * minutes. Each has its own id ("F…") and is marked is_fake=1 in the truth; they belong to no household.
 *
 * Rings of fakes that only show together: a device farm (one phone, one app install, many "people" signing in
 * with different names) and an astroturf ring (accounts with ordinary names posting the same promotion, lightly
 * reworded, within hours). A chunk makes rings from a quarter of its fakes when it has at least 40 of them (a
 * full chunk at the default rate), so that small data sets are as they were.
 */

export type FakeKind = "disposable" | "gibberish" | "celebrity" | "implausible" | "burst";

const KINDS = new WeightedTable<FakeKind>(
  ["disposable", "gibberish", "celebrity", "implausible", "burst"],
  [30, 20, 15, 10, 25],
);
const MASH = [
  "asdf",
  "qwer",
  "zxcv",
  "aaa",
  "test",
  "xxx",
  "hjkl",
  "sdfsdf",
  "qwerty",
  "abc",
  "foo",
  "bar",
  "jjj",
  "ghgh",
  "none",
  "na",
];
const PLACEHOLDER_EMAILS = [
  "test@test.com",
  "a@a.com",
  "asdf@asdf.com",
  "noemail@noemail.com",
  "none@none.com",
  "x@x.com",
];
const BURST_AGENTS = [
  "python-requests/2.31.0",
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.6099.109 Safari/537.36",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/99.0.4844.51 Safari/537.36",
];
const SPAM_BIOS = [
  "💰 Make $5000/week from home! DM me",
  "Crypto signals 🚀 link in bio",
  "Follow for follow ✅",
  "Giveaway every day!! Click the link",
  "",
];

interface Fake {
  subject: Subject;
  kind: FakeKind;
  given: string;
  family: string;
  email: string;
  phone: string;
  zip: string;
  dob: string;
  ip: string;
  userAgent: string;
  time: number;
}

function mash(rng: Rng): string {
  if (rng.chance(0.6)) return rng.pick(MASH);
  let out = "";
  const n = rng.range(3, 8);
  for (let i = 0; i < n; i++) out += String.fromCharCode(97 + rng.int(26));
  return out;
}

function implausibleDob(rng: Rng): string {
  switch (rng.int(5)) {
    case 0:
      return "1900-01-01";
    case 1:
      return "1111-11-11";
    case 2:
      return formatDate(daysFromCivil(rng.range(2026, 2040), rng.range(1, 12), rng.range(1, 28)), "iso");
    case 3:
      return "01/01/1800";
    default:
      return formatDate(daysFromCivil(rng.range(2015, 2023), rng.range(1, 12), rng.range(1, 28)), "mdy");
  }
}

function makeFake(
  ctx: ChunkContext,
  kind: FakeKind,
  burst: { ip: string; userAgent: string; time: number } | null,
): Fake {
  const { rng, pools, timeline, sequences } = ctx;
  const id = `F${String(++sequences.fake.next).padStart(7, "0")}`;
  const subject: Subject = { personId: id, householdId: "", fake: true };
  let given: string;
  let family: string;
  let email: string;
  const disposable = () =>
    `${asciiFold(given).slice(0, 8) || "user"}${rng.range(1, 9999)}@${rng.pick(disposableDomains)}`;
  switch (kind) {
    case "gibberish":
      given = mash(rng);
      family = mash(rng);
      email = rng.chance(0.5) ? rng.pick(PLACEHOLDER_EMAILS) : `${given}@${family}.com`;
      break;
    case "celebrity":
      [given, family] = rng.pick(celebrityNames);
      email = rng.chance(0.5)
        ? `${asciiFold(given)}.${asciiFold(family)}@${rng.pick(["gmail.com", "yahoo.com", "example.com"])}`
        : disposable();
      break;
    case "burst":
      given = rng.chance(0.5) ? mash(rng) : pools.names.anglo.male.sample(rng);
      family = rng.chance(0.5) ? mash(rng) : `${pools.names.anglo.family.sample(rng)}${rng.range(1, 99)}`;
      email = rng.chance(0.7) ? disposable() : `${rng.hex(5)}${rng.range(10, 99)}@gmail.com`;
      break;
    default:
      given = pools.names.anglo.female.sample(rng);
      family = pools.names.anglo.family.sample(rng);
      email =
        kind === "disposable"
          ? disposable()
          : `${asciiFold(given)}${rng.range(1, 999)}@${rng.pick(["gmail.com", "outlook.com"])}`;
  }
  const time = burst ? burst.time : timeline.start + rng.int(timeline.asOf - timeline.start);
  return {
    subject,
    kind,
    given,
    family,
    email,
    phone: rng.chance(0.5) ? rng.pick(placeholderPhones) : "",
    zip: rng.chance(0.6) ? rng.pick(["00000", "12345", "99999", "11111", "90210"]) : "",
    dob: kind === "implausible" || rng.chance(0.3) ? implausibleDob(rng) : "",
    ip: burst ? burst.ip : rng.chance(0.7) ? publicIp(rng, "US") : mobileIp(rng),
    userAgent: burst ? burst.userAgent : rng.pick(BURST_AGENTS),
    time,
  };
}

function writeFakeRecords(ctx: ChunkContext, fake: Fake): void {
  const rng = ctx.rng;
  let wrote = false;
  if (fake.kind === "burst" || rng.chance(0.8)) {
    emitSignup(
      ctx,
      fake.time,
      {
        first: fake.given,
        last: fake.family,
        email: fake.email,
        phone: fake.phone,
        zip: fake.zip,
        newsletter: rng.chance(0.9),
      },
      fake.ip,
      fake.userAgent,
      rng.uuid(),
      fake.subject,
    );
    wrote = true;
  }
  if (fake.kind === "burst") return;
  if (rng.chance(0.2) || !wrote) {
    emitCrmRow(
      ctx,
      {
        title: "",
        first: fake.given,
        last: fake.family,
        email: fake.email,
        phone: fake.phone,
        street: rng.chance(0.5) ? "123 Main St" : "",
        city: rng.chance(0.5) ? "Anytown" : "",
        state: "",
        zip: fake.zip,
        country: rng.chance(0.5) ? "US" : "",
        dob: fake.dob,
        gender: "",
        loyalty: "",
        updatedAt: fake.time + rng.range(0, 30 * DAY),
      },
      fake.subject,
    );
  }
  if (rng.chance(0.08)) {
    const session = newSession(
      ctx,
      makeDevice(rng, false),
      fake.ip,
      "en-US",
      fake.time + rng.range(60, DAY),
      rng.uuid(),
    );
    emitIdentify(
      ctx,
      session,
      { email: fake.email, firstName: fake.given, lastName: fake.family },
      fake.subject,
    );
  }
  if (rng.chance(0.12)) {
    const platform = rng.pick(["instagram", "twitter", "tiktok"]);
    const handle = `${asciiFold(fake.given).slice(0, 10) || "user"}_${rng.hex(3)}${rng.range(10, 99)}`;
    const base =
      platform === "twitter"
        ? "https://x.com/"
        : platform === "tiktok"
          ? "https://www.tiktok.com/@"
          : "https://www.instagram.com/";
    emitProfile(
      ctx,
      {
        platform,
        handle,
        display_name: `${fake.given} ${fake.family}`,
        bio: rng.pick(SPAM_BIOS),
        location: "",
        url: `${base}${handle}`,
        followers: rng.chance(0.7) ? rng.int(20) : rng.range(20000, 90000),
        posts: rng.chance(0.5)
          ? [
              {
                id: postId(ctx, platform),
                text: "Check the link in my bio!! 💸💸",
                created_at: isoTimestamp(fake.time),
              },
            ]
          : [],
      },
      fake.time,
      fake.subject,
    );
  }
  if (rng.chance(0.04)) {
    orderRow(
      ctx,
      {
        email: fake.email,
        name: customerName(ctx, fake.given, fake.family, "", ""),
        phone: fake.phone,
        shipping: oneLineAddress(rng, ctx.otherAddress()),
        postcode: fake.zip,
        time: fake.time + rng.range(60, 3 * DAY),
      },
      orderLines(ctx),
      "USD",
      fake.subject,
    );
  }
}

/** Fakes per chunk from which rings are made, and the share of them that go into rings. */
export const RING_MIN_FAKES = 40;
export const RING_SHARE = 0.25;

const ASTROTURF = [
  ["Obsessed with my new", "Totally in love with my new", "Can't stop using my new"],
  ["from @lumenandloom", "by @lumenandloom", "from @LumenAndLoom"],
  [
    "best purchase I made all year, honestly everyone needs one",
    "best thing I bought this year, honestly you all need one",
    "best purchase of the whole year, honestly everyone should get one",
  ],
  ["🔥", "🔥🔥", "💯", "✨", ""],
];

function ringMember(ctx: ChunkContext): { subject: Subject; given: string; family: string; email: string } {
  const { rng, pools, sequences } = ctx;
  const id = `F${String(++sequences.fake.next).padStart(7, "0")}`;
  const given = rng.chance(0.5) ? pools.names.anglo.female.sample(rng) : pools.names.anglo.male.sample(rng);
  const family = pools.names.anglo.family.sample(rng);
  const email = `${asciiFold(given)}.${asciiFold(family)}${rng.range(1, 999)}@${rng.pick(["gmail.com", "outlook.com", "yahoo.com"])}`;
  return { subject: { personId: id, householdId: "", fake: true }, given, family, email };
}

/** One phone and app install used to sign in as many different people, a few minutes apart. */
function writeDeviceFarm(ctx: ChunkContext, size: number): void {
  const { rng, timeline } = ctx;
  const device = makeDevice(rng, false);
  const ip = rng.chance(0.5) ? publicIp(rng, "US") : mobileIp(rng);
  let time = timeline.start + rng.int(timeline.asOf - timeline.start);
  for (let i = 0; i < size; i++) {
    const m = ringMember(ctx);
    time += rng.range(120, 6 * 3600);
    const session = newSession(ctx, device, ip, "en-US", time, rng.uuid());
    emitIdentify(ctx, session, { email: m.email, firstName: m.given, lastName: m.family }, m.subject);
  }
}

/** Accounts with ordinary names posting one promotion, lightly reworded, within a few hours. */
function writeAstroturf(ctx: ChunkContext, size: number): void {
  const { rng, timeline } = ctx;
  const product = rng.pick(products).name;
  let time = timeline.start + rng.int(timeline.asOf - timeline.start);
  for (let i = 0; i < size; i++) {
    const m = ringMember(ctx);
    time += rng.range(60, 3 * 3600);
    const platform = rng.pick(["instagram", "twitter", "tiktok"]);
    const handle =
      `${asciiFold(m.given).slice(0, 10)}${asciiFold(m.family).slice(0, 6)}${rng.range(10, 9999)}`.toLowerCase();
    const base =
      platform === "twitter"
        ? "https://x.com/"
        : platform === "tiktok"
          ? "https://www.tiktok.com/@"
          : "https://www.instagram.com/";
    const [opening, by, praise, emoji] = ASTROTURF.map((choices) => rng.pick(choices)) as [
      string,
      string,
      string,
      string,
    ];
    const code = `${rng.pick(["LOOM", "LUMEN", "LL"])}${rng.range(10, 99)}`;
    emitProfile(
      ctx,
      {
        platform,
        handle,
        display_name: `${m.given} ${m.family}`,
        bio: rng.pick(SPAM_BIOS),
        location: "",
        url: `${base}${handle}`,
        followers: rng.int(60),
        posts: [
          {
            id: postId(ctx, platform),
            text: `${opening} ${product} ${by}!! ${praise} ${emoji} use code ${code}`
              .replace(/\s+/g, " ")
              .trim(),
            created_at: isoTimestamp(time),
          },
        ],
      },
      time,
      m.subject,
    );
  }
}

/** Writes `count` fake profiles' records; bursts come several at a time from one address. */
export function writeFakes(ctx: ChunkContext, count: number): void {
  const { rng, timeline } = ctx;
  let left = count;
  if (count >= RING_MIN_FAKES) {
    let inRings = Math.floor(count * RING_SHARE);
    left -= inRings;
    let farm = rng.chance(0.5);
    while (inRings > 0) {
      const size = inRings < 10 ? inRings : rng.range(5, Math.min(10, inRings - 5));
      if (farm) writeDeviceFarm(ctx, size);
      else writeAstroturf(ctx, size);
      farm = !farm;
      inRings -= size;
    }
  }
  while (left > 0) {
    const kind = KINDS.sample(rng);
    if (kind === "burst") {
      const size = Math.min(left, 5 + rng.geometric(0.15, 30));
      const burst = {
        ip: publicIp(rng, rng.chance(0.7) ? "US" : "DE"),
        userAgent: rng.pick(BURST_AGENTS),
        time: timeline.start + rng.int(timeline.asOf - timeline.start),
      };
      for (let i = 0; i < size; i++) {
        burst.time += rng.range(1, 40);
        writeFakeRecords(ctx, makeFake(ctx, "burst", burst));
      }
      left -= size;
    } else {
      writeFakeRecords(ctx, makeFake(ctx, kind, null));
      left--;
    }
  }
}
