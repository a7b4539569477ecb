import iconv from 'iconv-lite';

/**
 * Specific Character Set (0008,0005) defined terms without code extensions (PS3.3 §C.12.1.1.2)
 * and the iconv-lite codec that decodes them. The default repertoire is decoded as Latin-1 so
 * that stray high bytes survive for the guessing step instead of turning into U+FFFD.
 */
const codecByTerm = new Map<string, string>(
  Object.entries({
    '': 'latin1',
    'ISO_IR 6': 'latin1',
    'ISO_IR 100': 'latin1',
    'ISO_IR 101': 'iso-8859-2',
    'ISO_IR 109': 'iso-8859-3',
    'ISO_IR 110': 'iso-8859-4',
    'ISO_IR 144': 'iso-8859-5',
    'ISO_IR 127': 'iso-8859-6',
    'ISO_IR 126': 'iso-8859-7',
    'ISO_IR 138': 'iso-8859-8',
    'ISO_IR 148': 'iso-8859-9',
    'ISO_IR 203': 'iso-8859-15',
    'ISO_IR 166': 'tis620',
    'ISO_IR 13': 'shift_jis',
    'ISO_IR 192': 'utf8',
    GB18030: 'gb18030',
    GBK: 'gbk',
  }),
);

/** Code-extension terms (ISO 2022): decoded by following escape sequences, see decodeDicomText. */
const iso2022Terms = new Set([
  'ISO 2022 IR 6',
  'ISO 2022 IR 100',
  'ISO 2022 IR 101',
  'ISO 2022 IR 109',
  'ISO 2022 IR 110',
  'ISO 2022 IR 144',
  'ISO 2022 IR 127',
  'ISO 2022 IR 126',
  'ISO 2022 IR 138',
  'ISO 2022 IR 148',
  'ISO 2022 IR 203',
  'ISO 2022 IR 166',
  'ISO 2022 IR 13',
  'ISO 2022 IR 87',
  'ISO 2022 IR 159',
  'ISO 2022 IR 149',
  'ISO 2022 IR 58',
]);

/**
 * Canonical spelling of one Specific Character Set value. Modalities write `ISO_IR100`,
 * `iso-ir 192`, `GB2312` or `UTF-8`; they all mean a defined term, so accept them.
 */
export function normalizeCharsetTerm(term: string): string {
  const upper = term.trim().toUpperCase();
  const iso2022 = /^ISO[ _-]?2022[ _-]?IR[ _-]?(\d+)$/.exec(upper);
  if (iso2022) return `ISO 2022 IR ${iso2022[1]}`;
  const isoIr = /^ISO[ _-]?IR[ _-]?(\d+)$/.exec(upper);
  if (isoIr) return `ISO_IR ${isoIr[1]}`;
  if (upper === 'UTF-8' || upper === 'UTF8') return 'ISO_IR 192';
  // GB2312 is not a defined term but Chinese modalities write it; GBK is its superset.
  if (upper === 'GB2312' || upper === 'EUC-CN') return 'GBK';
  return upper;
}

/** The values of a Specific Character Set element, canonicalised; [] when absent or empty. */
export function parseCharsetTerms(value: string): string[] {
  if (value.trim() === '') return [];
  return value.split('\\').map(normalizeCharsetTerm);
}

export function usesCodeExtensions(terms: readonly string[]): boolean {
  return terms.some((term) => iso2022Terms.has(term));
}

/**
 * The iconv-lite codec for a single-term character set, accepting both DICOM defined terms and
 * iconv-lite labels (a clinic's configured default may be written either way), or null.
 */
export function codecForTerm(term: string): string | null {
  const normalized = normalizeCharsetTerm(term);
  const known = codecByTerm.get(normalized);
  if (known !== undefined) return known;
  if (iso2022Terms.has(normalized)) return null;
  return iconv.encodingExists(term) ? term : null;
}

/** Whether a per-clinic default character set (a DICOM term or an iconv-lite label) can be used. */
export function isSupportedCharset(name: string): boolean {
  return codecForTerm(name) !== null || iso2022Terms.has(normalizeCharsetTerm(name));
}
