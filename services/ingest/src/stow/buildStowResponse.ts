/** One attribute of the DICOM JSON model (PS3.18 §F.2). */
export interface DicomJsonAttribute {
  vr: string;
  Value?: unknown[];
}
export type DicomJsonDataset = Record<string, DicomJsonAttribute>;

export interface StoredInstance {
  sopClassUid: string;
  sopInstanceUid: string;
  retrieveUrl?: string;
}

export interface FailedInstance {
  /** Unknown when the part could not be read as DICOM. */
  sopClassUid?: string;
  sopInstanceUid?: string;
  /** A Failure Reason (0008,1197) value, see FAILURE_REASON. */
  failureReason: number;
  /** What the sender should fix, in words. */
  message: string;
}

export interface StowResponseInput {
  /** The study's retrieve URL, when every stored instance belongs to one study. */
  retrieveUrl?: string;
  stored: StoredInstance[];
  failed: FailedInstance[];
}

/**
 * The Store Instances Response (PS3.18 §10.5.3) as `application/dicom+json`: (0008,1190) Retrieve
 * URL, (0008,1199) Referenced SOP Sequence for stored instances and (0008,1198) Failed SOP Sequence
 * with (0008,1197) Failure Reason for the others.
 *
 * The standard has no text attribute for a failure, but people need the reason in words, so each
 * failed item also carries it in Error Comment (0000,0902) — the DIMSE attribute for exactly this,
 * which other archives return in STOW-RS responses too; clients that do not know it ignore it.
 * Failed parts that could not be read keep (0008,1150)/(0008,1155) present but empty, so every
 * failure is counted in the one sequence clients look at.
 */
export function buildStowResponse(input: StowResponseInput): DicomJsonDataset {
  const response: DicomJsonDataset = {};
  if (input.retrieveUrl !== undefined) response['00081190'] = { vr: 'UR', Value: [input.retrieveUrl] };
  if (input.failed.length > 0) {
    response['00081198'] = { vr: 'SQ', Value: input.failed.map(failedItem) };
  }
  if (input.stored.length > 0) {
    response['00081199'] = { vr: 'SQ', Value: input.stored.map(storedItem) };
  }
  return response;
}

function storedItem(instance: StoredInstance): DicomJsonDataset {
  return {
    '00081150': uid(instance.sopClassUid),
    '00081155': uid(instance.sopInstanceUid),
    ...(instance.retrieveUrl === undefined ? {} : { '00081190': { vr: 'UR', Value: [instance.retrieveUrl] } }),
  };
}

function failedItem(instance: FailedInstance): DicomJsonDataset {
  return {
    '00000902': { vr: 'LO', Value: [instance.message] },
    '00081150': uid(instance.sopClassUid),
    '00081155': uid(instance.sopInstanceUid),
    '00081197': { vr: 'US', Value: [instance.failureReason] },
  };
}

function uid(value: string | undefined): DicomJsonAttribute {
  return value === undefined || value === '' ? { vr: 'UI' } : { vr: 'UI', Value: [value] };
}
