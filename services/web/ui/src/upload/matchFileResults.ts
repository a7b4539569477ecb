import type { FailedInstance, StowOutcome } from './parseStowResponse';

export type FileResult =
  | { state: 'stored'; studyInstanceUid: string | null }
  | { state: 'failed'; reasonCode: number | null; comment: string | null }
  | { state: 'unknown' };

export interface SentFile {
  name: string;
  sopInstanceUid: string | null;
}

/**
 * Pairs each sent file with its line in the STOW-RS response: by SOP Instance UID (read from the
 * file meta beforehand), then by the part number the server's comment names, then in order for what
 * is left (a file the browser could not read a UID from).
 */
export function matchFileResults(files: readonly SentFile[], outcome: StowOutcome): FileResult[] {
  const results: (FileResult | undefined)[] = files.map(() => undefined);
  const storedLeft = [...outcome.stored];
  const failedLeft = [...outcome.failed];

  files.forEach((file, index) => {
    if (file.sopInstanceUid === null) return;
    const s = storedLeft.findIndex((item) => item.sopInstanceUid === file.sopInstanceUid);
    if (s >= 0) {
      const [item] = storedLeft.splice(s, 1);
      results[index] = { state: 'stored', studyInstanceUid: item?.studyInstanceUid ?? null };
      return;
    }
    const f = failedLeft.findIndex((item) => item.sopInstanceUid === file.sopInstanceUid);
    if (f >= 0) results[index] = failure(failedLeft.splice(f, 1)[0]);
  });

  files.forEach((_file, index) => {
    if (results[index]) return;
    const f = failedLeft.findIndex((item) => item.partNumber === index + 1);
    if (f >= 0) results[index] = failure(failedLeft.splice(f, 1)[0]);
  });

  return results.map((result) => {
    if (result) return result;
    const stored = storedLeft.shift();
    if (stored) return { state: 'stored', studyInstanceUid: stored.studyInstanceUid };
    const failed = failedLeft.shift();
    return failed ? failure(failed) : { state: 'unknown' };
  });
}

function failure(item: FailedInstance | undefined): FileResult {
  return { state: 'failed', reasonCode: item?.reasonCode ?? null, comment: item?.comment ?? null };
}
