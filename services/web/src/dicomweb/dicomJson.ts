/** One attribute in the DICOM JSON model (PS3.18 §F.2). */
export interface DicomJsonAttribute {
  vr: string;
  Value?: unknown[];
  BulkDataURI?: string;
  InlineBinary?: string;
}

export type DicomJson = Record<string, DicomJsonAttribute>;

/** A string attribute; '' becomes an attribute without a value, as PS3.18 §F.2.5 writes empty ones. */
export function stringAttribute(vr: string, value: string | null | undefined): DicomJsonAttribute {
  return value === null || value === undefined || value === '' ? { vr } : { vr, Value: [value] };
}

/** A multi-valued string attribute from its backslash-separated form. */
export function multiStringAttribute(vr: string, value: string | null | undefined): DicomJsonAttribute {
  return value === null || value === undefined || value === '' ? { vr } : { vr, Value: value.split('\\') };
}

export function numberAttribute(vr: string, value: number | null | undefined): DicomJsonAttribute {
  return value === null || value === undefined ? { vr } : { vr, Value: [value] };
}

/** Person Name in DICOM JSON keeps its Alphabetic / Ideographic / Phonetic groups. */
export function personNameAttribute(alphabetic: string, ideographic: string, phonetic: string): DicomJsonAttribute {
  const pn: Record<string, string> = {};
  if (alphabetic) pn.Alphabetic = alphabetic;
  if (ideographic) pn.Ideographic = ideographic;
  if (phonetic) pn.Phonetic = phonetic;
  return Object.keys(pn).length === 0 ? { vr: 'PN' } : { vr: 'PN', Value: [pn] };
}

/** A PN value as stored (`Alphabetic=Ideographic=Phonetic`) in DICOM JSON. */
export function personNameValueAttribute(value: string): DicomJsonAttribute {
  const [alphabetic = '', ideographic = '', phonetic = ''] = value.split('=');
  return personNameAttribute(alphabetic, ideographic, phonetic);
}

/** Attributes in ascending tag order, as PS3.18 recommends and viewers expect. */
export function sortedByTag(json: DicomJson): DicomJson {
  const sorted: DicomJson = {};
  for (const tag of Object.keys(json).sort()) sorted[tag] = json[tag] as DicomJsonAttribute;
  return sorted;
}
