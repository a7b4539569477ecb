import type { RoutableStudy } from '@telerad/core';
import type { Database } from '@telerad/db';
import type { Kysely, Transaction } from 'kysely';

/** The modality (first of "DX\CR") and, when a series names one, the body part a reader must cover. */
export async function studyNeeds(
  db: Kysely<Database> | Transaction<Database>,
  study: { id: string; modalities: string },
): Promise<Pick<RoutableStudy, 'modality' | 'bodyPart'>> {
  const modality = study.modalities.split('\\')[0] ?? '';
  const series = await db
    .selectFrom('series')
    .select('body_part')
    .where('study_id', '=', study.id)
    .where('body_part', '<>', '')
    .orderBy('series_number')
    .limit(1)
    .executeTakeFirst();
  return series === undefined ? { modality } : { modality, bodyPart: series.body_part.trim().toUpperCase() };
}
