import { products, shop } from "../catalog.js";
import { type ChunkContext, emit, type Subject } from "../context.js";
import { countryInfo } from "../countries.js";
import { type Device, emailAt, mobileAt, mobileIp, momentOf, type Person, residenceAt } from "../person.js";
import { e164, formatPhone } from "../phones.js";
import { isoTimestamp } from "../time.js";
import type { OrderFact } from "./orders.js";

/**
 * app_events.jsonl — the mobile app's analytics stream in the Segment spec: `identify` calls carrying
 * traits, `track` calls (Product Viewed, Product Added, Order Completed with revenue) and `screen` calls,
 * each with the device, OS, IP and app context. Before login events carry only an anonymousId; a family
 * tablet shares its device id and anonymousId among the household members who use it.
 */

export const appEventsFile = "app_events.jsonl";

export interface AppTraits {
  email?: string;
  firstName?: string;
  lastName?: string;
  phone?: string;
}

export interface Session {
  device: Device;
  ip: string;
  appVersion: string;
  locale: string;
  userId: string | null;
  time: number;
  /** The session's `context` object, serialised once. */
  contextJson: string;
}

function contextJson(device: Device, ip: string, appVersion: string, locale: string): string {
  return JSON.stringify({
    device: { id: device.id, type: device.type, manufacturer: device.manufacturer, model: device.model },
    os: { name: device.osName, version: device.osVersion },
    ip,
    app: { name: shop.appName, version: appVersion, build: appVersion.replace(/\./g, "") },
    library: { name: device.type === "ios" ? "analytics-ios" : "analytics-android", version: "4.1.8" },
    locale,
  });
}

/** Writes one event; the JSON is assembled by hand around the serialised body, which is much faster. */
function emitEvent(
  ctx: ChunkContext,
  session: Session,
  body: Record<string, unknown>,
  subject: Subject,
): void {
  const rng = ctx.rng;
  const messageId = rng.uuid();
  const bodyJson = JSON.stringify(body);
  let text = `{"messageId":"${messageId}",${bodyJson.slice(1, -1)}`;
  if (session.userId !== null) text += `,"userId":"${session.userId}"`;
  text += `,"anonymousId":"${session.device.anonymousId}","timestamp":"${isoTimestamp(session.time, rng.int(1000))}","context":${session.contextJson}}\n`;
  emit(ctx, "app_events", messageId, session.time, text, subject);
  session.time += rng.range(2, 90);
}

export function emitIdentify(ctx: ChunkContext, session: Session, traits: AppTraits, subject: Subject): void {
  emitEvent(ctx, session, { type: "identify", traits }, subject);
}

function productProperties(ctx: ChunkContext) {
  const p = ctx.rng.pick(products);
  return { product_id: p.sku, sku: p.sku, name: p.name, category: p.category, price: p.price };
}

function traitsOf(ctx: ChunkContext, person: Person, time: number): AppTraits {
  const { rng, corrupt } = ctx;
  const traits: AppTraits = {};
  if (!corrupt.missing(0.5)) traits.email = corrupt.email(emailAt(person, time), 0.4);
  if (!corrupt.missing(0.5)) traits.firstName = corrupt.given(person.given, person.nickname, true, 0.4);
  if (!corrupt.missing(0.8)) traits.lastName = corrupt.name(person.family, 0.4);
  const phone = mobileAt(person, time);
  if (phone !== null && rng.chance(0.6))
    traits.phone = rng.chance(0.7) ? e164(phone) : formatPhone(rng, phone);
  return traits;
}

export function newSession(
  ctx: ChunkContext,
  device: Device,
  ip: string,
  locale: string,
  time: number,
  userId: string | null,
): Session {
  const appVersion = ctx.rng.pick(shop.appVersions);
  return {
    device,
    ip,
    appVersion,
    locale,
    userId,
    time,
    contextJson: contextJson(device, ip, appVersion, locale),
  };
}

export function writeAppEvents(ctx: ChunkContext, person: Person, orders: readonly OrderFact[]): void {
  const { rng, timeline } = ctx;
  const household = person.household;
  if (person.device === null) return;
  const subject: Subject = { personId: person.id, householdId: household.id, fake: false };
  const locale = countryInfo[household.country].locale;
  const starts = Array.from({ length: person.presence.appSessions }, () =>
    momentOf(rng, person, timeline),
  ).sort((a, b) => a - b);
  let loggedIn = false;
  for (const start of starts) {
    const onTablet = household.familyDevice !== null && rng.chance(0.25);
    const device = onTablet ? household.familyDevice! : person.device;
    const ip = rng.chance(onTablet ? 0.1 : 0.55) ? mobileIp(rng) : residenceAt(household, start).ip;
    const firstOnDevice = !loggedIn || onTablet;
    const session = newSession(ctx, device, ip, locale, start, firstOnDevice ? null : person.userId);
    emitEvent(ctx, session, { type: "screen", name: "Home", properties: {} }, subject);
    if (firstOnDevice) {
      emitEvent(
        ctx,
        session,
        { type: "track", event: "Product Viewed", properties: productProperties(ctx) },
        subject,
      );
      session.userId = person.userId;
      emitIdentify(ctx, session, traitsOf(ctx, person, session.time), subject);
      loggedIn = true;
    } else if (rng.chance(0.15)) {
      emitIdentify(ctx, session, traitsOf(ctx, person, session.time), subject);
    }
    const views = 1 + rng.geometric(0.5, 5);
    for (let v = 0; v < views; v++) {
      const properties = productProperties(ctx);
      if (rng.chance(0.3))
        emitEvent(
          ctx,
          session,
          { type: "screen", name: "Product Detail", properties: { sku: properties.sku } },
          subject,
        );
      emitEvent(ctx, session, { type: "track", event: "Product Viewed", properties }, subject);
      if (rng.chance(0.25)) {
        emitEvent(
          ctx,
          session,
          { type: "track", event: "Product Added", properties: { ...properties, quantity: 1 } },
          subject,
        );
      }
    }
  }
  for (const order of orders) {
    if (!order.viaApp) continue;
    const ip = rng.chance(0.5) ? mobileIp(rng) : residenceAt(household, order.time).ip;
    const session = newSession(
      ctx,
      person.device,
      ip,
      locale,
      order.time - rng.range(60, 600),
      person.userId,
    );
    emitEvent(ctx, session, { type: "screen", name: "Cart", properties: {} }, subject);
    emitEvent(
      ctx,
      session,
      {
        type: "track",
        event: "Checkout Started",
        properties: { value: order.amount, currency: order.currency },
      },
      subject,
    );
    emitEvent(
      ctx,
      session,
      {
        type: "track",
        event: "Order Completed",
        properties: {
          order_id: order.id,
          revenue: order.amount,
          currency: order.currency,
          products: order.lines.map((l) => ({
            sku: l.product.sku,
            name: l.product.name,
            price: l.product.price,
            quantity: l.quantity,
          })),
        },
      },
      subject,
    );
  }
}
