import { ApiError } from '../api/client';
import { fetchStudy, submitStudy } from '../api/endpoints';
import type { StudySummary } from '../api/types';

export type SubmitOutcome =
  | { studyId: string; result: 'submitted'; study: StudySummary }
  | { studyId: string; result: 'already'; study: StudySummary }
  | { studyId: string; result: 'notFound' }
  | { studyId: string; result: 'error'; study: StudySummary | null; message: string };

/**
 * "Study complete": submits each study the upload stored images into (the server named them in its
 * answers). One that is already past receiving (completed by the stability timer, or submitted from
 * another screen) is left alone and reported as such.
 */
export async function submitStudies(studyIds: readonly string[]): Promise<SubmitOutcome[]> {
  const outcomes: SubmitOutcome[] = [];
  for (const studyId of studyIds) {
    let study: StudySummary | null = null;
    try {
      study = (await fetchStudy(studyId)).study;
      if (study.status !== 'receiving') {
        outcomes.push({ studyId, result: 'already', study });
        continue;
      }
      const answer = await submitStudy(studyId);
      outcomes.push({ studyId, result: 'submitted', study: answer.study });
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) outcomes.push({ studyId, result: 'notFound' });
      else outcomes.push({ studyId, result: 'error', study, message: e instanceof Error ? e.message : String(e) });
    }
  }
  return outcomes;
}
