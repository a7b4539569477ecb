import { fetchStudies, submitStudy } from '../api/endpoints';
import type { StudySummary } from '../api/types';

export type SubmitOutcome =
  | { studyUid: string; result: 'submitted'; study: StudySummary }
  | { studyUid: string; result: 'already'; study: StudySummary }
  | { studyUid: string; result: 'notFound' }
  | { studyUid: string; result: 'error'; study: StudySummary; message: string };

/**
 * "Study complete": finds each uploaded study in the clinic's list by StudyInstanceUID and submits
 * those still receiving. One that is already past receiving (completed by the stability timer, or
 * submitted from another screen) is left alone and reported as such.
 */
export async function submitStudies(studyUids: readonly string[]): Promise<SubmitOutcome[]> {
  const list = await fetchStudies({ limit: 500 });
  const outcomes: SubmitOutcome[] = [];
  for (const studyUid of studyUids) {
    const study = list.items.find((item) => item.studyInstanceUid === studyUid);
    if (!study) {
      outcomes.push({ studyUid, result: 'notFound' });
    } else if (study.status !== 'receiving') {
      outcomes.push({ studyUid, result: 'already', study });
    } else {
      try {
        const answer = await submitStudy(study.id);
        outcomes.push({ studyUid, result: 'submitted', study: answer.study });
      } catch (e) {
        outcomes.push({ studyUid, result: 'error', study, message: e instanceof Error ? e.message : String(e) });
      }
    }
  }
  return outcomes;
}
