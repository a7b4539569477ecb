/** A DICOM PN value split into its component groups (PS3.5 §6.2.1). */
export interface PersonName {
  /** Single-byte group, e.g. pinyin `Wang^XiaoDong`. */
  alphabetic: string;
  /** Ideographic group, e.g. `王^小东`. */
  ideographic: string;
  /** Phonetic group. */
  phonetic: string;
  /** For showing: the ideographic group if present, else the alphabetic, components joined. */
  display: string;
}

/** Splits a decoded PN value (first value only) into groups and builds a display form. */
export function parsePersonName(value: string): PersonName {
  const [alphabetic = '', ideographic = '', phonetic = ''] = value.split('=').map(trimGroup);
  return {
    alphabetic,
    ideographic,
    phonetic,
    display: displayGroup(ideographic) || displayGroup(alphabetic) || displayGroup(phonetic),
  };
}

function trimGroup(group: string): string {
  return group.replace(/[\s\0]+$/u, '').replace(/^\s+/u, '');
}

const cjk = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/**
 * Components are family^given^middle^prefix^suffix; shown as prefix family given middle suffix.
 * Chinese and Japanese names join without spaces (`王^小东` → `王小东`), Latin ones with one
 * (`Wang^XiaoDong` → `Wang XiaoDong`).
 */
function displayGroup(group: string): string {
  const [family = '', given = '', middle = '', prefix = '', suffix = ''] = group.split('^').map((c) => c.trim());
  const parts = [prefix, family, given, middle, suffix].filter((part) => part.length > 0);
  let shown = '';
  for (const part of parts) {
    if (shown.length === 0) shown = part;
    else if (cjk.test(Array.from(shown).at(-1) ?? '') && cjk.test(Array.from(part)[0] ?? '')) shown += part;
    else shown += ` ${part}`;
  }
  return shown;
}
