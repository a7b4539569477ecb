/** The parts of a STOW-RS response (DICOM JSON, PS3.18 §F.2) the upload screen shows. */
export interface StoredInstance {
  sopInstanceUid: string | null;
  studyInstanceUid: string | null;
}

export interface FailedInstance {
  sopInstanceUid: string | null;
  reasonCode: number | null;
  comment: string | null;
  /** 1-based part number when the server's comment names it ("part 3: ..."). */
  partNumber: number | null;
}

export interface StowOutcome {
  stored: StoredInstance[];
  failed: FailedInstance[];
  /** Every StudyInstanceUID named by a RetrieveURL, top level or per instance. */
  studyInstanceUids: string[];
}

type DicomJson = Record<string, { vr?: string; Value?: unknown[] } | undefined>;

const REFERENCED_SOP_SEQUENCE = '00081199';
const FAILED_SOP_SEQUENCE = '00081198';
const RETRIEVE_URL = '00081190';
const REFERENCED_SOP_INSTANCE_UID = '00081155';
const FAILURE_REASON = '00081197';
const ERROR_COMMENT = '00000902';

function first(item: DicomJson, tag: string): unknown {
  return item[tag]?.Value?.[0];
}

function items(json: DicomJson, tag: string): DicomJson[] {
  const value = json[tag]?.Value;
  return Array.isArray(value) ? value.filter((v): v is DicomJson => typeof v === 'object' && v !== null) : [];
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** The StudyInstanceUID in a RetrieveURL such as `.../dicomweb/studies/1.2.3/series/...`. */
export function studyUidFromUrl(url: unknown): string | null {
  if (typeof url !== 'string') return null;
  const match = /\/studies\/([0-9.]+)/.exec(url);
  return match?.[1] ?? null;
}

export function parseStowResponse(json: unknown): StowOutcome {
  const root: DicomJson = typeof json === 'object' && json !== null ? (json as DicomJson) : {};
  const studyUids = new Set<string>();
  const topStudy = studyUidFromUrl(first(root, RETRIEVE_URL));
  if (topStudy) studyUids.add(topStudy);

  const stored = items(root, REFERENCED_SOP_SEQUENCE).map((item) => {
    const studyInstanceUid = studyUidFromUrl(first(item, RETRIEVE_URL)) ?? topStudy;
    if (studyInstanceUid) studyUids.add(studyInstanceUid);
    return { sopInstanceUid: text(first(item, REFERENCED_SOP_INSTANCE_UID)), studyInstanceUid };
  });

  const failed = items(root, FAILED_SOP_SEQUENCE).map((item) => {
    const reason = first(item, FAILURE_REASON);
    const rawComment = text(first(item, ERROR_COMMENT));
    const part = rawComment ? /^part (\d+):\s*/i.exec(rawComment) : null;
    return {
      sopInstanceUid: text(first(item, REFERENCED_SOP_INSTANCE_UID)),
      reasonCode: typeof reason === 'number' ? reason : null,
      comment: part && rawComment ? rawComment.slice(part[0].length) : rawComment,
      partNumber: part?.[1] ? Number(part[1]) : null,
    };
  });

  return { stored, failed, studyInstanceUids: [...studyUids] };
}
