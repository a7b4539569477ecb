import type { PersonName } from '@telerad/dicom';
import { pinyin } from 'pinyin-pro';

const HAN = /\p{Script=Han}/u;

/**
 * The search forms of a patient name, lower-case and space-separated: each alphabetic component,
 * the ideographic name, and for Chinese characters the full pinyin and its initials, so staff can
 * find 王小东 by "王小东", "wang", "wangxiaodong" or "wxd".
 */
export function patientNameSearch(name: PersonName): string {
  const tokens = new Set<string>();
  const add = (t: string) => {
    const v = t.trim().toLowerCase();
    if (v !== '') tokens.add(v);
  };
  for (const group of [name.alphabetic, name.phonetic]) {
    for (const part of group.split(/[\^\s]+/)) add(part);
    add(group.replace(/[\^\s]+/g, ''));
  }
  const chinese = [name.ideographic, name.alphabetic].map((g) => g.replace(/[\^\s=]+/g, '')).find((g) => HAN.test(g));
  if (chinese !== undefined) {
    add(chinese);
    const syllables = pinyin(chinese, { toneType: 'none', type: 'array', surname: 'head', nonZh: 'removed' });
    add(syllables.join(''));
    add(syllables.map((s) => s[0] ?? '').join(''));
    for (const s of syllables) add(s);
  }
  return [...tokens].join(' ');
}
