import { type Address, localityLine, streetLine } from "../addresses.js";
import { shop } from "../catalog.js";
import { type ChunkContext, emit, type Subject } from "../context.js";
import { countryInfo } from "../countries.js";
import { emailAt, mobileAt, momentOf, type Person, previousResidence, residenceAt } from "../person.js";
import { formatPhone } from "../phones.js";
import { asctime, isoDate, rfc5322Date } from "../time.js";
import type { OrderFact } from "./orders.js";

/**
 * support.mbox — e-mails to the support desk in mbox format (mboxrd quoting: a body line starting with
 * "From ", after any ">", gets one more ">"). Customers write from personal or work addresses, about orders,
 * returns, moves and changed e-mail addresses; signatures carry name, job title, company, phones and
 * sometimes an address (an office is not a home). The truth's record id is the Message-ID header value,
 * angle brackets included.
 */

export const supportFile = "support.mbox";

/** Anything but tab and printable ASCII: header values must be 7-bit. */
const NON_ASCII = /[^\t -~]/;
const SPECIALS = /[(),.:;<>@[\]"\\]/;

/** A display name fit for a header: RFC 2047 encoded-word when not ASCII, quoted when it holds specials. */
export function headerName(name: string): string {
  if (NON_ASCII.test(name)) return `=?UTF-8?B?${Buffer.from(name, "utf8").toString("base64")}?=`;
  if (SPECIALS.test(name)) return `"${name.replace(/(["\\])/g, "\\$1")}"`;
  return name;
}

/** mboxrd escaping of a message body. */
export function escapeFromLines(body: string): string {
  return body.replace(/^(>*From )/gm, ">$1");
}

export interface MailMessage {
  from: string;
  displayName: string;
  subject: string;
  time: number;
  utcOffset: number;
  body: string;
  messageIdHost: string;
}

export function emitMessage(ctx: ChunkContext, message: MailMessage, subject: Subject): void {
  const rng = ctx.rng;
  const messageId = `<${rng.hex(8)}.${rng.hex(6)}@${message.messageIdHost}>`;
  const from =
    message.displayName === "" ? message.from : `${headerName(message.displayName)} <${message.from}>`;
  const text =
    `From ${message.from} ${asctime(message.time)}\n` +
    `From: ${from}\n` +
    `To: "${shop.name} Support" <${shop.supportAddress}>\n` +
    `Subject: ${NON_ASCII.test(message.subject) ? headerName(message.subject) : message.subject}\n` +
    `Date: ${rfc5322Date(message.time, message.utcOffset)}\n` +
    `Message-ID: ${messageId}\n` +
    "MIME-Version: 1.0\n" +
    "Content-Type: text/plain; charset=UTF-8\n" +
    "Content-Transfer-Encoding: 8bit\n" +
    "\n" +
    `${escapeFromLines(message.body)}\n` +
    "\n";
  emit(ctx, "support", messageId, message.time, text, subject);
}

function addressLines(address: Address): string {
  return `${streetLine(address, true)}\n${localityLine(address)}`;
}

function signature(ctx: ChunkContext, person: Person, time: number, fromWork: boolean): string {
  const rng = ctx.rng;
  const name = `${person.nickname !== null && rng.chance(0.4) ? person.nickname : person.given} ${person.family}`;
  const mobile = mobileAt(person, time);
  if ((fromWork || rng.chance(0.3)) && person.company !== null && person.jobTitle !== null) {
    let sig = `--\n${name}\n${person.jobTitle}${rng.chance(0.5) ? `\n${person.company.name}` : ` | ${person.company.name}`}\n`;
    const phone = person.workPhone ?? mobile;
    if (phone !== null)
      sig += `${rng.pick(["Tel:", "T:", "Phone:", "Direct:"])} ${formatPhone(rng, phone)}\n`;
    if (mobile !== null && phone !== mobile && rng.chance(0.4))
      sig += `${rng.pick(["Mobile:", "M:", "Cell:"])} ${formatPhone(rng, mobile)}\n`;
    if (rng.chance(0.3)) sig += `${addressLines(ctx.otherAddress())}\n`;
    if (rng.chance(0.3)) sig += `www.${person.company.domain}\n`;
    return sig;
  }
  const x = rng.next();
  if (x < 0.3) return `Thanks,\n${name.split(" ")[0]}\n`;
  if (x < 0.45) return `${name.split(" ")[0]}\n\nSent from my ${rng.pick(["iPhone", "iPad", "Galaxy"])}\n`;
  let sig = `Best regards,\n${name}\n`;
  if (mobile !== null && rng.chance(0.7)) sig += `${formatPhone(rng, mobile)}\n`;
  if (rng.chance(0.35)) sig += `${addressLines(residenceAt(person.household, time).address)}\n`;
  return sig;
}

function topic(
  ctx: ChunkContext,
  person: Person,
  time: number,
  orders: readonly OrderFact[],
): { subject: string; body: string } {
  const rng = ctx.rng;
  const order = orders.filter((o) => o.time < time).pop();
  const choice = rng.weighted(
    [0, 1, 2, 3, 4, 5, 6],
    [order ? 30 : 0, order ? 15 : 0, 14, 8, 10, order ? 8 : 0, 15],
  );
  const opener = rng.pick(["Hi,", "Hello,", "Hi there,", "Dear Support,", "Good morning,"]);
  const fromLine = rng.chance(0.2) ? "From what I can see, nothing has changed since last week.\n\n" : "";
  switch (choice) {
    case 0:
      return {
        subject: rng.pick([
          `Order ${order!.id} hasn't arrived`,
          "Where is my order?",
          `Re: Your order ${order!.id} has shipped`,
        ]),
        body: `${opener}\n\nMy order ${order!.id} placed on ${isoDate(Math.floor(order!.time / 86400))} still hasn't arrived. The tracking page says it left the warehouse days ago.\n${fromLine}Could you look into it?\n`,
      };
    case 1: {
      const line = rng.pick(order!.lines);
      return {
        subject: rng.pick(["Return request", `Return - ${order!.id}`, "Wrong size"]),
        body: `${opener}\n\nI'd like to return the ${line.product.name} from order ${order!.id}. It doesn't fit.\n${fromLine}What's the process?\n`,
      };
    }
    case 2: {
      const now = residenceAt(person.household, time).address;
      const before = previousResidence(person.household, time).address;
      const moved = before !== now ? `\nThe old one was ${streetLine(before, true)}, ${before.city}.\n` : "";
      return {
        subject: rng.pick(["Update my address", "Change of address", "New address"]),
        body: `${opener}\n\nI recently moved. Please update the address on my account to:\n\n${addressLines(now)}\n${moved}\nThank you.\n`,
      };
    }
    case 3: {
      const old = person.emails[0]!.address;
      const current = emailAt(person, time);
      return {
        subject: "Change my email address",
        body: `${opener}\n\nPlease change the e-mail on my account from ${old} to ${current}. I no longer use the old one.\n`,
      };
    }
    case 4:
      return {
        subject: "Loyalty points missing",
        body: `${opener}\n\nMy loyalty number is ${person.loyaltyNumber} but the points from my last purchase are missing.\n${fromLine}`,
      };
    case 5:
      return {
        subject: `Damaged item in order ${order!.id}`,
        body: `${opener}\n\nThe ${rng.pick(order!.lines).product.name} arrived damaged. I can send photos if needed.\n`,
      };
    default:
      return {
        subject: rng.pick(["Question", "Shipping question", "Do you ship abroad?", "Gift cards"]),
        body: `${opener}\n\nDo you ship to ${rng.pick(["Canada", "the UK", "Australia", "Germany", "Mexico"])}? I'd like to send a gift to my ${rng.pick(["sister", "brother", "mother", "friend", "son", "daughter"])}.\n${fromLine}`,
      };
  }
}

export function writeSupport(ctx: ChunkContext, person: Person, orders: readonly OrderFact[]): void {
  const { rng, timeline } = ctx;
  const subject: Subject = { personId: person.id, householdId: person.household.id, fake: false };
  for (let k = 0; k < person.presence.support; k++) {
    const time = momentOf(rng, person, timeline);
    const fromWork = person.workEmail !== null && rng.chance(0.4);
    const from = fromWork ? person.workEmail! : emailAt(person, time);
    const t = topic(ctx, person, time, orders);
    let body = t.body;
    const phone = mobileAt(person, time);
    if (phone !== null && rng.chance(0.15)) body += `You can reach me at ${formatPhone(rng, phone)}.\n`;
    body += `\n${signature(ctx, person, time, fromWork)}`;
    if (rng.chance(0.12)) {
      body += `\nOn ${rfc5322Date(time - rng.range(3600, 5 * 86400))}, ${shop.name} Support <${shop.supportAddress}> wrote:\n> Hi ${person.given},\n> Thanks for reaching out.\n> From our records, your request is being handled.\n`;
    }
    const domain = from.slice(from.indexOf("@") + 1);
    const displayName = rng.weighted(
      [
        `${person.given} ${person.family}`,
        `${person.family}, ${person.given}`,
        person.given.toLowerCase(),
        "",
      ],
      [70, 8, 7, 15],
    );
    emitMessage(
      ctx,
      {
        from,
        displayName,
        subject: t.subject,
        time,
        utcOffset: countryInfo[person.household.country].utcOffset,
        body,
        messageIdHost: domain === "gmail.com" ? "mail.gmail.com" : `mail.${domain}`,
      },
      subject,
    );
  }
}
