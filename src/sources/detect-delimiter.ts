/** The delimiters detection chooses among, in order of preference when they do equally well. */
export const delimiterCandidates = [",", ";", "\t", "|"] as const;

const maxRecords = 200;

/**
 * Field counts per record for one delimiter over the start of a file, respecting quotes (a delimiter or
 * line break inside a quoted field does not count). Blank lines are left out; so is the last record when
 * the text is only the start of the file and may cut it short.
 */
export function fieldCounts(text: string, delimiter: string, truncated: boolean): number[] {
  const d = delimiter.charCodeAt(0);
  const counts: number[] = [];
  let fields = 1;
  let blank = true;
  let quoted = false;
  const n = text.length;
  for (let i = 0; i < n && counts.length < maxRecords; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      quoted = !quoted; // a doubled quote inside a quoted field toggles twice
      blank = false;
    } else if (quoted) {
    } else if (c === d) {
      fields++;
      blank = false;
    } else if (c === 10 || c === 13) {
      if (!blank) counts.push(fields);
      fields = 1;
      blank = true;
    } else if (c !== 32 && c !== 9) {
      blank = false;
    }
  }
  if (!blank && !truncated && counts.length < maxRecords) counts.push(fields);
  return counts;
}

interface Score {
  delimiter: string;
  /** Share of records with the most common field count. */
  consistency: number;
  /** The most common field count. */
  width: number;
  headerAgrees: boolean;
}

function score(text: string, delimiter: string, truncated: boolean): Score | null {
  const counts = fieldCounts(text, delimiter, truncated);
  if (counts.length === 0) return null;
  const frequency = new Map<number, number>();
  for (const c of counts) frequency.set(c, (frequency.get(c) ?? 0) + 1);
  let width = 0;
  let most = 0;
  for (const [count, times] of frequency) {
    if (times > most || (times === most && count > width)) {
      width = count;
      most = times;
    }
  }
  if (width < 2) return null;
  return { delimiter, consistency: most / counts.length, width, headerAgrees: counts[0] === width };
}

/**
 * Chooses among `,` `;` tab and `|` the delimiter that splits the first records of `text` into the same
 * number (at least two) of fields most consistently; a header that agrees, more fields, then the order
 * above break ties. Text with a single column gets ",".
 */
export function detectDelimiter(text: string, truncated = true): string {
  let best: Score | null = null;
  for (const delimiter of delimiterCandidates) {
    const s = score(text, delimiter, truncated);
    if (s === null) continue;
    if (
      best === null ||
      s.consistency > best.consistency + 1e-9 ||
      (Math.abs(s.consistency - best.consistency) <= 1e-9 &&
        ((s.headerAgrees && !best.headerAgrees) ||
          (s.headerAgrees === best.headerAgrees && s.width > best.width)))
    ) {
      best = s;
    }
  }
  return best?.delimiter ?? ",";
}
