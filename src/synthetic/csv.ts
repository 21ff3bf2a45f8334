/** CSV encoding for the CSV sources (RFC 4180 quoting). */

/** One CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180). */
export function csvField(value: string): string {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    // comma, double quote, CR, LF
    if (c === 44 || c === 34 || c === 13 || c === 10) return `"${value.replace(/"/g, '""')}"`;
  }
  return value;
}

export function csvRow(values: readonly string[], eol: string): string {
  let out = "";
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ",";
    out += csvField(values[i]!);
  }
  return out + eol;
}
