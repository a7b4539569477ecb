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

/** studyNeeds for many studies in one query. */
export async function studyNeedsMany(
  db: Kysely<Database> | Transaction<Database>,
  studies: ReadonlyArray<{ id: string; modalities: string }>,
): Promise<Map<string, Pick<RoutableStudy, 'modality' | 'bodyPart'>>> {
  const needs = new Map<string, Pick<RoutableStudy, 'modality' | 'bodyPart'>>();
  if (studies.length === 0) return needs;
  const parts = await db
    .selectFrom('series')
    .select(['study_id', 'body_part'])
    .distinctOn('study_id')
    .where(
      'study_id',
      'in',
      studies.map((s) => s.id),
    )
    .where('body_part', '<>', '')
    .orderBy('study_id')
    .orderBy('series_number')
    .execute();
  const partOf = new Map(parts.map((p) => [p.study_id, p.body_part.trim().toUpperCase()]));
  for (const study of studies) {
    const modality = study.modalities.split('\\')[0] ?? '';
    const bodyPart = partOf.get(study.id);
    needs.set(study.id, bodyPart === undefined ? { modality } : { modality, bodyPart });
  }
  return needs;
}
