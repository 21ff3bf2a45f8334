/**
 * A speaker naming themselves: "my name is Jane Doe", "this is Jane Doe", "Jane Doe here", "I'm Jane Doe"
 * — how a caller or a chat visitor says who they are. Only two or three capitalised words are taken, so
 * "this is urgent" or "I'm not sure" name nobody; a single word is a first name at most and is left out.
 */

export interface Introduction {
  value: string;
  start: number;
  end: number;
}

const NAME = "[\\p{Lu}][\\p{Ll}'’-]+(?: [\\p{Lu}][\\p{Ll}'’-]+){1,2}";
const PATTERNS = [
  new RegExp(`\\b(?:my name is|my name's|this is|i am|i'm|it's|name is)\\s+(${NAME})`, "giu"),
  new RegExp(`(?:^|[,.!]\\s*)(${NAME}) here\\b`, "gu"),
];

/** Words that start a sentence like a name but are not one ("This is Lumen Support"). */
const NOT_NAMES = /^(?:Lumen|Support|Customer|Service|Team|Order|The|Your|Our|Thank|Thanks)\b/;

export function findIntroductions(text: string): Introduction[] {
  const out: Introduction[] = [];
  for (const pattern of PATTERNS) {
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
      const value = m[1] as string;
      if (NOT_NAMES.test(value)) continue;
      const start = m.index + m[0].lastIndexOf(value);
      out.push({ value, start, end: start + value.length });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}
