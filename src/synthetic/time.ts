/**
 * Calendar arithmetic and the date/time spellings the sources use, on plain numbers: days since
 * 1970-01-01 for dates and seconds since the epoch for instants. Hand-written rather than `Date` because the
 * generator formats millions of them.
 */

export const DAY = 86_400;

const PAD2: string[] = Array.from({ length: 100 }, (_, i) => (i < 10 ? `0${i}` : String(i)));
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const WEEKDAYS = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]; // 1970-01-01 was a Thursday

export interface Civil {
  year: number;
  month: number;
  day: number;
}

/** Year, month (1–12) and day of a day number (Howard Hinnant's civil_from_days). */
export function civilFromDays(days: number): Civil {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** The day number of a civil date (Howard Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function pad4(n: number): string {
  return n < 1000 ? String(n).padStart(4, "0") : String(n);
}

/** YYYY-MM-DD */
export function isoDate(days: number): string {
  const c = civilFromDays(days);
  return `${pad4(c.year)}-${PAD2[c.month]}-${PAD2[c.day]}`;
}

/** The ways the sources spell a date. */
export type DateStyle = "iso" | "mdy" | "dmy" | "compact";

export function formatDate(days: number, style: DateStyle): string {
  const c = civilFromDays(days);
  switch (style) {
    case "iso":
      return `${pad4(c.year)}-${PAD2[c.month]}-${PAD2[c.day]}`;
    case "mdy":
      return `${PAD2[c.month]}/${PAD2[c.day]}/${pad4(c.year)}`;
    case "dmy":
      return `${PAD2[c.day]}/${PAD2[c.month]}/${pad4(c.year)}`;
    case "compact":
      return `${pad4(c.year)}${PAD2[c.month]}${PAD2[c.day]}`;
  }
}

function clock(seconds: number): { days: number; hh: string; mm: string; ss: string } {
  const days = Math.floor(seconds / DAY);
  const rest = seconds - days * DAY;
  const h = Math.floor(rest / 3600);
  const m = Math.floor((rest - h * 3600) / 60);
  const s = Math.floor(rest - h * 3600 - m * 60);
  return { days, hh: PAD2[h]!, mm: PAD2[m]!, ss: PAD2[s]! };
}

/** 2024-03-05T12:34:56Z, or with milliseconds when `millis` is given. */
export function isoTimestamp(seconds: number, millis?: number): string {
  const t = clock(seconds);
  const frac = millis === undefined ? "" : `.${String(millis).padStart(3, "0")}`;
  return `${isoDate(t.days)}T${t.hh}:${t.mm}:${t.ss}${frac}Z`;
}

/** 2024-03-05 12:34:56 (a database export's spelling, no zone). */
export function sqlTimestamp(seconds: number): string {
  const t = clock(seconds);
  return `${isoDate(t.days)} ${t.hh}:${t.mm}:${t.ss}`;
}

function offsetText(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  return `${sign}${PAD2[Math.floor(abs / 60)]}${PAD2[abs % 60]}`;
}

/** 10/Oct/2000:13:55:36 +0000 — the web server log spelling, in the given zone offset. */
export function clfTimestamp(seconds: number, offsetMinutes = 0): string {
  const t = clock(seconds + offsetMinutes * 60);
  const c = civilFromDays(t.days);
  return `${PAD2[c.day]}/${MONTHS[c.month - 1]}/${c.year}:${t.hh}:${t.mm}:${t.ss} ${offsetText(offsetMinutes)}`;
}

/** Mon, 02 Jan 2023 10:15:00 -0500 — the e-mail Date header (RFC 5322). */
export function rfc5322Date(seconds: number, offsetMinutes = 0): string {
  const t = clock(seconds + offsetMinutes * 60);
  const c = civilFromDays(t.days);
  const weekday = WEEKDAYS[((t.days % 7) + 7) % 7];
  return `${weekday}, ${PAD2[c.day]} ${MONTHS[c.month - 1]} ${c.year} ${t.hh}:${t.mm}:${t.ss} ${offsetText(offsetMinutes)}`;
}

/** Mon Jan  2 10:15:00 2023 — the asctime spelling of an mbox From_ line, in UTC. */
export function asctime(seconds: number): string {
  const t = clock(seconds);
  const c = civilFromDays(t.days);
  const weekday = WEEKDAYS[((t.days % 7) + 7) % 7];
  const day = c.day < 10 ? ` ${c.day}` : String(c.day);
  return `${weekday} ${MONTHS[c.month - 1]} ${day} ${t.hh}:${t.mm}:${t.ss} ${c.year}`;
}
