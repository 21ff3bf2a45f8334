import type { FastifyServerOptions } from "fastify";
import { stdSerializers } from "pino";

/**
 * Personal data stays out of logs. The server's logger (pino) is configured so that:
 * - the Authorization and Cookie headers, and any field named like a personal attribute (email, phone, name,
 *   address, traits, userId, anonymousId, ip…) at any of the first levels of a logged object, are censored;
 * - request URLs are logged with identifiers in profile paths (`/v1/profiles/email:…`) and search parameters
 *   (`?email=…&name=…`) replaced, golden ids kept;
 * - every logged string, message or not, has e-mail addresses and phone-like digit runs masked.
 */

const email = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
const phone = /(?<![\w-])\+?\d[\d ().-]{6,}\d(?![\w-])/g;

export function scrubText(s: string): string {
  return s
    .replace(email, "[email]")
    .replace(phone, (m) => (m.replace(/\D/g, "").length >= 7 ? "[phone]" : m));
}

const personalKeys =
  /^(e-?mails?|phones?|phone_?numbers?|names?|first_?name|last_?name|given|family|full|address(es)?|traits|user_?id|anonymous_?id|previous_?id|ip|birthday|date_?of_?birth|dob|authorization|cookie|x-api-key|writekey|key|password|secret)$/i;

/** A copy of a logged value with personal fields censored and strings scrubbed (objects to a bounded depth). */
export function scrubValue(v: unknown, depth = 0): unknown {
  if (typeof v === "string") return scrubText(v);
  if (v === null || typeof v !== "object" || depth > 6) return v;
  if (v instanceof Error)
    return { type: v.name, message: scrubText(v.message), stack: v.stack ? scrubText(v.stack) : undefined };
  if (Array.isArray(v)) return v.slice(0, 50).map((x) => scrubValue(x, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>))
    out[k] = personalKeys.test(k) ? "[redacted]" : scrubValue(x, depth + 1);
  return out;
}

/** A URL as it may be logged: identifiers in profile paths and personal query parameters replaced. */
export function redactUrl(url: string): string {
  const q = url.indexOf("?");
  const path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? "" : url.slice(q + 1);
  const safePath = path.replace(/(\/v1\/(?:profiles|projects)\/)([^/?]+)/, (_m, head: string, ref: string) =>
    /^T-\d+$/.test(decodeURIComponentSafe(ref)) ? head + ref : `${head}[redacted]`,
  );
  if (!query) return scrubText(safePath);
  const params = query
    .split("&")
    .map((kv) => {
      const eq = kv.indexOf("=");
      const k = eq < 0 ? kv : kv.slice(0, eq);
      return /^(email|phone|name|q|user_?id|anonymous_?id|subject)$/i.test(k) ? `${k}=[redacted]` : kv;
    })
    .join("&");
  return scrubText(`${safePath}?${params}`);
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The pino options the server's logger is made with. */
export function privacyLoggerOptions(): Exclude<FastifyServerOptions["logger"], boolean | undefined> {
  return {
    redact: {
      paths: [
        "req.headers.authorization",
        "req.headers.cookie",
        'req.headers["x-api-key"]',
        "headers.authorization",
        "body",
        "req.body",
      ],
      censor: "[redacted]",
    },
    serializers: {
      req(req: { method?: string; url?: string; hostname?: string; id?: string }) {
        return { id: req.id, method: req.method, url: redactUrl(req.url ?? ""), host: req.hostname };
      },
      res(res: { statusCode?: number }) {
        return { statusCode: res.statusCode };
      },
      err(e: Error) {
        const out = stdSerializers.err(e);
        return { ...out, message: scrubText(out.message), stack: scrubText(out.stack ?? "") };
      },
    },
    formatters: {
      // Runs before the serializers: the request, reply and error are left to theirs.
      log(object: Record<string, unknown>) {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(object))
          out[k] =
            k === "req" || k === "res" || k === "err"
              ? v
              : personalKeys.test(k)
                ? "[redacted]"
                : scrubValue(v);
        return out;
      },
    },
    hooks: {
      logMethod(args: unknown[], method: (...a: unknown[]) => void) {
        method.apply(
          this,
          args.map((a) => (typeof a === "string" ? scrubText(a) : a)),
        );
      },
    },
  };
}
