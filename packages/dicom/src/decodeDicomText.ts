import iconv from 'iconv-lite';
import { codecForTerm, usesCodeExtensions } from './characterSets.js';

const ESC = 0x1b;

/** What G0 (bytes < 0x80) currently holds under ISO 2022. */
type G0 = 'ascii' | 'jisx0208' | 'jisx0212';

interface Iso2022State {
  g0: G0;
  /** iconv-lite codec for bytes >= 0x80 (G1 invoked into GR), or null when none is designated. */
  g1: string | null;
}

/** Escape sequences DICOM allows (PS3.3 Table C.12-3/C.12-4), without the leading ESC. */
const designations: ReadonlyArray<[string, Partial<Iso2022State>]> = [
  ['(B', { g0: 'ascii' }],
  ['(J', { g0: 'ascii' }], // JIS X 0201 Romaji: ASCII but for yen and overline
  [')I', { g1: 'shift_jis' }], // JIS X 0201 Katakana: shift_jis maps 0xA1-0xDF the same way
  ['-A', { g1: 'latin1' }],
  ['-B', { g1: 'iso-8859-2' }],
  ['-C', { g1: 'iso-8859-3' }],
  ['-D', { g1: 'iso-8859-4' }],
  ['-L', { g1: 'iso-8859-5' }],
  ['-G', { g1: 'iso-8859-6' }],
  ['-F', { g1: 'iso-8859-7' }],
  ['-H', { g1: 'iso-8859-8' }],
  ['-M', { g1: 'iso-8859-9' }],
  ['-b', { g1: 'iso-8859-15' }],
  ['-T', { g1: 'tis620' }],
  ['$B', { g0: 'jisx0208' }],
  ['$(D', { g0: 'jisx0212' }],
  ['$)C', { g1: 'euc-kr' }], // KS X 1001 in GR is EUC-KR
  ['$)A', { g1: 'gbk' }], // GB 2312 in GR is EUC-CN, a subset of GBK
];

const initialG1: Record<string, string> = {
  'ISO 2022 IR 100': 'latin1',
  'ISO 2022 IR 101': 'iso-8859-2',
  'ISO 2022 IR 109': 'iso-8859-3',
  'ISO 2022 IR 110': 'iso-8859-4',
  'ISO 2022 IR 144': 'iso-8859-5',
  'ISO 2022 IR 127': 'iso-8859-6',
  'ISO 2022 IR 126': 'iso-8859-7',
  'ISO 2022 IR 138': 'iso-8859-8',
  'ISO 2022 IR 148': 'iso-8859-9',
  'ISO 2022 IR 203': 'iso-8859-15',
  'ISO 2022 IR 166': 'tis620',
  'ISO 2022 IR 13': 'shift_jis',
  'ISO 2022 IR 149': 'euc-kr',
  'ISO 2022 IR 58': 'gbk',
};

/**
 * Decodes the bytes of a text value (SH, LO, ST, LT, UT, UC, PN) by the Specific Character Set
 * terms. Single-term sets decode with one codec; ISO 2022 sets follow the escape sequences in
 * the value, e.g. `ESC $ ) A` switching GR bytes to GB 2312 for `\ISO 2022 IR 58`.
 */
export function decodeDicomText(bytes: Uint8Array, terms: readonly string[]): string {
  if (usesCodeExtensions(terms)) return decodeIso2022(bytes, terms[0] ?? '');
  const codec = codecForTerm(terms[0] ?? '') ?? 'latin1';
  return iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), codec);
}

function initialState(firstTerm: string): Iso2022State {
  return { g0: 'ascii', g1: Object.hasOwn(initialG1, firstTerm) ? (initialG1[firstTerm] ?? null) : null };
}

function decodeIso2022(bytes: Uint8Array, firstTerm: string): string {
  const initial = initialState(firstTerm);
  let state = { ...initial };
  let out = '';
  let runStart = 0;
  let runIsGr = false;

  const flush = (end: number) => {
    if (end > runStart) out += decodeRun(bytes.subarray(runStart, end), runIsGr, state);
    runStart = end;
  };

  let i = 0;
  while (i < bytes.length) {
    const byte = bytes[i] as number;
    if (byte === ESC) {
      const match = matchDesignation(bytes, i + 1);
      flush(i);
      if (match) {
        state = { ...state, ...match.designation };
        i += 1 + match.length;
      } else {
        i += 1; // an unknown escape carries no text; drop the ESC byte alone
      }
      runStart = i;
      continue;
    }
    const isGr = byte >= 0x80;
    if (isGr !== runIsGr) {
      flush(i);
      runIsGr = isGr;
    }
    // PS3.5 §6.1.2.5.3: delimiters (`^`, `=`, `\`, CR, LF, TAB) return to the initial
    // designation. When value 1 designated no G1 set, GR bytes after a delimiter would be
    // meaningless, so a G1 set designated earlier stays: senders omit the repeated escape.
    if (!isGr && state.g0 === 'ascii' && isDelimiter(byte)) {
      const reset = { g0: initial.g0, g1: initial.g1 ?? state.g1 };
      if (reset.g1 !== state.g1) {
        flush(i);
        state = reset;
      }
    }
    i += 1;
  }
  flush(bytes.length);
  return out;
}

function isDelimiter(byte: number): boolean {
  return byte === 0x5e || byte === 0x3d || byte === 0x5c || byte === 0x0d || byte === 0x0a || byte === 0x09;
}

function matchDesignation(
  bytes: Uint8Array,
  from: number,
): { designation: Partial<Iso2022State>; length: number } | null {
  for (const [sequence, designation] of designations) {
    let matches = true;
    for (let k = 0; k < sequence.length; k++) {
      if (bytes[from + k] !== sequence.charCodeAt(k)) {
        matches = false;
        break;
      }
    }
    if (matches) return { designation, length: sequence.length };
  }
  return null;
}

function decodeRun(run: Uint8Array, isGr: boolean, state: Iso2022State): string {
  if (isGr) return iconv.decode(Buffer.from(run), state.g1 ?? 'latin1');
  if (state.g0 === 'jisx0208') {
    // JIS X 0208 in G0 is 7-bit; setting the high bit of both bytes gives EUC-JP.
    return iconv.decode(Buffer.from(run.map((b) => b | 0x80)), 'euc-jp');
  }
  if (state.g0 === 'jisx0212') {
    // JIS X 0212 in EUC-JP is SS3 (0x8F) followed by the two bytes with the high bit set.
    const euc: number[] = [];
    for (let k = 0; k + 1 < run.length; k += 2)
      euc.push(0x8f, (run[k] as number) | 0x80, (run[k + 1] as number) | 0x80);
    return iconv.decode(Buffer.from(euc), 'euc-jp');
  }
  return iconv.decode(Buffer.from(run), 'latin1');
}
