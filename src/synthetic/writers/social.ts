import { products, socialPlatforms } from "../catalog.js";
import { type ChunkContext, emit, type Subject } from "../context.js";
import { emailAt, momentOf, type Person, residenceAt } from "../person.js";
import { civilFromDays, isoTimestamp } from "../time.js";
import { socialHandle } from "../usernames.js";

/**
 * social.jsonl — public social-media profiles found for the shop's audience: a handle, a display name in
 * whatever style the person likes, a short bio (sometimes with a job, a city or even an e-mail), a free-text
 * location and a few posts. Weak evidence, easy to confuse. The record id is the profile URL.
 */

export const socialFile = "social.jsonl";

export interface SocialPost {
  id: string;
  text: string;
  created_at: string;
}

export interface SocialProfile {
  platform: string;
  handle: string;
  display_name: string;
  bio: string;
  location: string;
  url: string;
  followers: number;
  posts: SocialPost[];
}

export function emitProfile(ctx: ChunkContext, profile: SocialProfile, time: number, subject: Subject): void {
  emit(ctx, "social", profile.url, time, `${JSON.stringify(profile)}\n`, subject);
}

export function postId(ctx: ChunkContext, platform: string): string {
  const rng = ctx.rng;
  if (platform === "twitter") return `17${rng.digits(17)}`;
  return platform === "instagram" ? `3${rng.digits(18)}` : `${rng.range(1, 9)}${rng.digits(15)}`;
}

const HOBBIES = [
  "Coffee lover",
  "Runner",
  "Hiker",
  "Dog person",
  "Cat person",
  "Bookworm",
  "Home cook",
  "Gardener",
  "Traveller",
  "Photographer",
  "Yoga",
  "DIY",
  "Foodie",
  "Gamer",
];
const EMOJI = ["🌿", "☕", "⛰️", "📚", "🐶", "✨", "🌊", "🏃", "📷", "🍳"];

function displayName(ctx: ChunkContext, person: Person): string {
  const rng = ctx.rng;
  const given = person.nickname !== null && rng.chance(0.5) ? person.nickname : person.given;
  switch (rng.weighted([0, 1, 2, 3, 4, 5], [45, 15, 12, 10, 10, 8])) {
    case 0:
      return `${given} ${person.family}`;
    case 1:
      return given;
    case 2:
      return `${given} ${person.family[0]}.`;
    case 3:
      return `${given} ${person.family} ${rng.pick(EMOJI)}`;
    case 4:
      return `${given} ${person.family}`.toUpperCase();
    default:
      return person.middle === ""
        ? `${given} ${person.family}`
        : `${given} ${person.middle} ${person.family}`;
  }
}

function locationText(ctx: ChunkContext, person: Person, time: number): string {
  const rng = ctx.rng;
  const a = residenceAt(person.household, time).address;
  switch (rng.weighted([0, 1, 2, 3, 4], [35, 20, 15, 20, 10])) {
    case 0:
      return a.region === ""
        ? `${a.city}, ${a.country === "GB" ? "UK" : a.country}`
        : `${a.city}, ${a.region}`;
    case 1:
      return a.city;
    case 2:
      return `📍 ${a.city}`;
    case 3:
      return "";
    default:
      return rng.pick(["Earth 🌍", "somewhere", "the internet", "wherever the trail goes", "home"]);
  }
}

function bio(ctx: ChunkContext, person: Person, platform: string, time: number): string {
  const rng = ctx.rng;
  const parts: string[] = [];
  if (platform === "linkedin" && person.jobTitle !== null && person.company !== null) {
    parts.push(`${person.jobTitle} at ${person.company.name}`);
  } else {
    parts.push(rng.pick(HOBBIES));
    if (rng.chance(0.5)) parts.push(rng.pick(HOBBIES));
    if (person.jobTitle !== null && rng.chance(0.2)) parts.push(person.jobTitle);
  }
  if (rng.chance(0.06)) parts.push(`📧 ${emailAt(person, time)}`);
  if (rng.chance(0.1)) parts.push(`Born ${civilFromDays(person.dob).year}`);
  return parts.join(rng.pick([" | ", " · ", ". ", " ✦ "]));
}

function postText(ctx: ChunkContext, person: Person, time: number): string {
  const rng = ctx.rng;
  const product = rng.pick(products).name;
  switch (rng.int(6)) {
    case 0:
      return `Loving my new ${product} from @lumenandloom ${rng.pick(EMOJI)}`;
    case 1:
      return `Just moved to ${residenceAt(person.household, time).address.city}! Boxes everywhere 📦`;
    case 2:
      return "Anyone else's order stuck in shipping? @lumenandloom";
    case 3:
      return `Weekend plans: ${rng.pick(["hiking", "baking", "nothing at all", "the farmers market", "a long run"])}`;
    case 4:
      return `Happy birthday to me 🎂 ${rng.chance(0.3) ? `#${civilFromDays(person.dob).month}/${civilFromDays(person.dob).day}` : ""}`.trim();
    default:
      return `${rng.pick(["Coffee first.", "Monday again.", "What a view.", "New recipe tonight."])} ${rng.pick(EMOJI)}`;
  }
}

export function writeSocial(ctx: ChunkContext, person: Person): void {
  const { rng, timeline, taken, sequences } = ctx;
  const subject: Subject = { personId: person.id, householdId: person.household.id, fake: false };
  const used = new Set<string>();
  const birthYear = civilFromDays(person.dob).year;
  for (let k = 0; k < person.presence.social; k++) {
    const [platform, baseUrl] = rng.weighted(
      socialPlatforms,
      socialPlatforms.map((p) => (used.has(p[0]) ? 0 : p[2])),
    );
    used.add(platform);
    const time = momentOf(rng, person, timeline);
    const handle = socialHandle(
      rng,
      taken,
      sequences.nameFallback,
      { given: person.given, family: person.family, nickname: person.nickname, birthYear },
      platform,
    );
    const posts: SocialPost[] = [];
    const count = rng.geometric(0.45, 4);
    for (let i = 0; i < count; i++) {
      const at = momentOf(rng, person, timeline);
      posts.push({
        id: postId(ctx, platform),
        text: postText(ctx, person, at),
        created_at: isoTimestamp(at),
      });
    }
    emitProfile(
      ctx,
      {
        platform,
        handle,
        display_name: ctx.corrupt.text(displayName(ctx, person), 0.4),
        bio: bio(ctx, person, platform, time),
        location: locationText(ctx, person, time),
        url: `${baseUrl}${handle}`,
        followers: Math.floor(Math.exp(rng.gaussian(5, 1.4))),
        posts,
      },
      time,
      subject,
    );
  }
}
