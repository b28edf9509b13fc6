/**
 * The GSM 03.38 7-bit alphabet of SMS. A message of at most 160 characters from it fits one
 * SMS segment. A single character outside it switches the whole message to UCS-2, which fits
 * only 70 characters in a segment.
 */
const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
/** Characters of the extension table: each takes two septets (an escape and the character). */
const GSM7_EXTENSION = '^{}\\[~]|€\f';

/** Common typographic characters and their GSM-7 stand-ins. */
const REPLACEMENTS: Record<string, string> = {
  '…': '...',
  '–': '-',
  '—': '-',
  '‘': "'",
  '’': "'",
  '“': '"',
  '”': '"',
  '\u00a0': ' ',
  '\t': ' ',
};

/** The largest text of one GSM-7 SMS segment, in septets. */
export const SMS_SEGMENT_SEPTETS = 160;

/** Replaces common typographic characters and removes every other character outside GSM-7. */
export function toGsm7(text: string): string {
  let result = '';
  for (const character of text) {
    const replaced = REPLACEMENTS[character] ?? character;
    for (const candidate of replaced) {
      if (GSM7_BASIC.includes(candidate) || GSM7_EXTENSION.includes(candidate)) {
        result += candidate;
      }
    }
  }
  return result;
}

/** Counts the septets a GSM-7 text takes: two for extension characters, one for the others. */
export function gsm7Septets(text: string): number {
  let septets = 0;
  for (const character of text) {
    septets += GSM7_EXTENSION.includes(character) ? 2 : 1;
  }
  return septets;
}

/** Converts `text` to GSM-7 and cuts it to one SMS segment, ending a cut text with "...". */
export function toSingleSmsSegment(text: string): string {
  const gsm = toGsm7(text);
  if (gsm7Septets(gsm) <= SMS_SEGMENT_SEPTETS) {
    return gsm;
  }
  let result = '';
  for (const character of gsm) {
    if (gsm7Septets(result + character) > SMS_SEGMENT_SEPTETS - 3) {
      break;
    }
    result += character;
  }
  return `${result}...`;
}
