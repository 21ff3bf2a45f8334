import { disposableDomains, shop } from "../catalog.js";
import { type ChunkContext, emit, type Subject } from "../context.js";
import { emailAt, mobileAt, mobileIp, momentOf, type Person, residenceAt } from "../person.js";
import { formatPhone } from "../phones.js";
import { asciiFold } from "../pools.js";
import { isoTimestamp } from "../time.js";
import { emitHit } from "./access-log.js";

/**
 * web_signups.jsonl — the newsletter and account sign-up form: what people type themselves, quickly, on a
 * phone or a laptop. More typos than elsewhere, optional fields often empty, now and then a throwaway
 * address even from a real person. Each sign-up also leaves its POST line in the web server log.
 */

export const webSignupsFile = "web_signups.jsonl";

export interface SignupForm {
  first: string;
  last: string;
  email: string;
  phone: string;
  zip: string;
  newsletter: boolean;
}

export function emitSignup(
  ctx: ChunkContext,
  time: number,
  form: SignupForm,
  ip: string,
  userAgent: string,
  cookieId: string,
  subject: Subject,
): void {
  const id = ctx.rng.uuid();
  const record = {
    submission_id: id,
    submitted_at: isoTimestamp(time),
    form,
    ip,
    user_agent: userAgent,
    cookie_id: cookieId,
  };
  emit(ctx, "web_signups", id, time, `${JSON.stringify(record)}\n`, subject);
  emitHit(
    ctx,
    {
      ip,
      time,
      method: "POST",
      path: "/signup",
      status: 302,
      bytes: 0,
      referrer: `https://${shop.host}/signup`,
      userAgent,
    },
    subject,
  );
}

export function writeSignups(ctx: ChunkContext, person: Person): void {
  const { rng, corrupt, timeline } = ctx;
  const household = person.household;
  const subject: Subject = { personId: person.id, householdId: household.id, fake: false };
  for (let k = 0; k < person.presence.signups; k++) {
    const time = k === 0 ? person.since : momentOf(rng, person, timeline);
    const onPhone = rng.chance(0.45);
    const residence = residenceAt(household, time);
    let email = emailAt(person, time);
    if (rng.chance(0.012))
      email = `${asciiFold(person.given)}${rng.range(1, 999)}@${rng.pick(disposableDomains)}`;
    const phone = mobileAt(person, time);
    let first = corrupt.given(person.given, person.nickname, true, 1.4);
    let last = corrupt.name(person.family, 1.4);
    if (rng.next() < ctx.rates.swapNames) [first, last] = [last, first];
    if (rng.chance(0.04)) [first, last] = [first.toLowerCase(), last.toLowerCase()];
    emitSignup(
      ctx,
      time,
      {
        first,
        last: corrupt.missing(0.8) ? "" : last,
        email: corrupt.email(email, 1.5),
        phone: phone === null || !rng.chance(0.45) ? "" : corrupt.digits(formatPhone(rng, phone), 1.4),
        zip: rng.chance(0.7) ? residence.address.postcode : "",
        newsletter: rng.chance(0.45),
      },
      onPhone && rng.chance(0.6) ? mobileIp(rng) : residence.ip,
      onPhone ? person.mobileUserAgent : person.desktopUserAgent,
      rng.chance(0.8) ? person.cookieId : rng.uuid(),
      subject,
    );
  }
}
