import { data as dcmjsData } from 'dcmjs';

/** A data element named by a QIDO-RS key or an `includefield`: its tag as 8 upper-case hex digits. */
export interface DicomAttribute {
  tag: string;
  /** The PS3.6 keyword, '' for a tag the data dictionary does not know (a private one). */
  keyword: string;
  /** The VR from the data dictionary ('UN' when unknown; the first of several, e.g. 'US' for US or SS). */
  vr: string;
}

const tagForm = /^[0-9A-Fa-f]{8}$/;

/**
 * Looks an attribute up by keyword (`PatientName`) or tag (`00100010`) in dcmjs's copy of the
 * PS3.6 data dictionary. Null when the name is neither a known keyword nor a tag.
 */
export function lookupAttribute(name: string): DicomAttribute | null {
  const { dictionary, nameMap } = dcmjsData.DicomMetaDictionary;
  if (tagForm.test(name)) {
    const tag = name.toUpperCase();
    const entry = dictionary[`(${tag.slice(0, 4)},${tag.slice(4)})`];
    return { tag, keyword: entry?.name ?? '', vr: firstVr(entry?.vr) };
  }
  const entry = nameMap[name];
  if (entry === undefined) return null;
  const tag = entry.tag.replace(/[(),]/g, '').toUpperCase();
  // Repeating groups such as (60xx,3000) have no single tag.
  if (!tagForm.test(tag)) return null;
  return { tag, keyword: entry.name, vr: firstVr(entry.vr) };
}

/** The VR of a tag for a dataset in implicit VR (dicom-parser gives none); 'UN' when unknown. */
export function vrOfTag(tag: string): string {
  const t = tag.toUpperCase();
  const entry = dcmjsData.DicomMetaDictionary.dictionary[`(${t.slice(0, 4)},${t.slice(4)})`];
  if (entry !== undefined) return firstVr(entry.vr);
  // Group lengths (gggg,0000) are UL; private creators (gggg,00xx) with odd gggg are LO.
  if (t.endsWith('0000')) return 'UL';
  const group = Number.parseInt(t.slice(0, 4), 16);
  const element = Number.parseInt(t.slice(4), 16);
  if (group % 2 === 1 && element >= 0x10 && element <= 0xff) return 'LO';
  return 'UN';
}

/** dcmjs writes context-dependent VRs in lower case: xs = US or SS, ox = OB or OW, lt = US, SS or OW. */
const contextVrs: Record<string, string> = { xs: 'US', ox: 'OW', lt: 'OW' };

function firstVr(vr: string | undefined): string {
  if (vr === undefined || vr === '') return 'UN';
  return contextVrs[vr] ?? (vr.split(/ or |\|/)[0]?.trim() || 'UN');
}
