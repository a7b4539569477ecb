import iconv from 'iconv-lite';
import { codecForTerm, normalizeCharsetTerm } from './characterSets.js';

export interface CharsetChoice {
  /** Specific Character Set terms to decode with (a clinic default may be an iconv-lite label). */
  terms: string[];
  /** True when the terms were not what the file declared, or the file declared nothing usable. */
  guessed: boolean;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Picks the character set for a dataset's text values. Many township modalities write GBK bytes
 * with no Specific Character Set or with ISO_IR 100, so when the declaration is missing, the
 * default repertoire or Latin-1 (or UTF-8 with bytes that are not UTF-8) and some text bytes are
 * not ASCII, we try in turn strict UTF-8, the clinic's configured default and GB18030. The
 * choice is made once per dataset so every field decodes the same way.
 */
export function chooseCharacterSet(
  declared: readonly string[],
  textValues: readonly Uint8Array[],
  defaultCharset?: string,
): CharsetChoice {
  const first = declared.length <= 1 ? (declared[0] ?? '') : null;
  const nonAscii = textValues.filter((value) => !isAscii(value));
  const declaresUtf8 = first === 'ISO_IR 192';
  const ambiguous = first === '' || first === 'ISO_IR 6' || first === 'ISO_IR 100';
  // Some modalities declare UTF-8 and write GBK; invalid UTF-8 is proof, so look further then too.
  const brokenUtf8 = declaresUtf8 && !nonAscii.every(isStrictUtf8);
  if (nonAscii.length === 0 || !(ambiguous || brokenUtf8)) return { terms: [...declared], guessed: false };

  for (const candidate of candidates(first === 'ISO_IR 100', declaresUtf8, defaultCharset)) {
    if (nonAscii.every(candidate.accepts)) return { terms: [candidate.term], guessed: true };
  }
  // Nothing fits: keep a declared set; without one, Latin-1 keeps every byte visible.
  return ambiguous && first !== 'ISO_IR 100'
    ? { terms: ['ISO_IR 100'], guessed: true }
    : { terms: [...declared], guessed: false };
}

interface Candidate {
  term: string;
  accepts: (value: Uint8Array) => boolean;
}

/**
 * Strict UTF-8 first (unless it already failed): GBK text is practically never valid UTF-8, while
 * UTF-8 text often decodes "cleanly" as GB18030, so it must be ruled in before a GB default is
 * tried. Then the clinic's default, then GB18030.
 */
function candidates(declaresLatin1: boolean, declaresUtf8: boolean, defaultCharset: string | undefined): Candidate[] {
  const list: Candidate[] = [];
  if (!declaresUtf8) list.push({ term: 'ISO_IR 192', accepts: isStrictUtf8 });
  if (defaultCharset !== undefined) {
    const codec = codecForTerm(defaultCharset);
    if (codec === null) throw new TypeError(`unsupported default character set '${defaultCharset}'`);
    list.push({ term: normalizeCharsetTerm(defaultCharset), accepts: (value) => decodesCleanly(value, codec) });
  }
  list.push({
    term: 'GB18030',
    // Latin-1 text such as "Müller" is also well-formed GB18030; when the file says Latin-1 we
    // only overrule it if some two-byte sequence lies in the GB 2312 hanzi area (both bytes
    // 0xA1-0xFE), which accented Latin text practically never produces.
    accepts: (value) => decodesCleanly(value, 'gb18030') && (!declaresLatin1 || hasGb2312Pair(value)),
  });
  return list;
}

function isAscii(value: Uint8Array): boolean {
  for (const byte of value) if (byte >= 0x80) return false;
  return true;
}

function isStrictUtf8(value: Uint8Array): boolean {
  try {
    strictUtf8.decode(value);
    return true;
  } catch {
    return false;
  }
}

function decodesCleanly(value: Uint8Array, codec: string): boolean {
  if (codec === 'utf8' || codec === 'utf-8') return isStrictUtf8(value);
  return !iconv.decode(Buffer.from(value.buffer, value.byteOffset, value.byteLength), codec).includes('\uFFFD');
}

function hasGb2312Pair(value: Uint8Array): boolean {
  for (let i = 0; i + 1 < value.length; i++) {
    const lead = value[i] as number;
    const trail = value[i + 1] as number;
    if (lead >= 0x80) {
      if (lead >= 0xa1 && lead <= 0xfe && trail >= 0xa1 && trail <= 0xfe) return true;
      i += 1; // skip the trail byte of this multi-byte character
    }
  }
  return false;
}
