import type { Principal } from '@telerad/core';
import { type RawBuilder, sql } from 'kysely';

/**
 * The tenancy rule of api/tenancy.ts as SQL over `study s`: an administrator sees every study, a
 * radiologist their hospital's (and those escalated to it), a radiographer or a clinic token their
 * clinic's.
 */
export function visibleStudies(principal: Principal): RawBuilder<boolean> {
  if (principal.kind === 'clinic') return sql<boolean>`s.clinic_id = ${principal.clinicId}`;
  switch (principal.role) {
    case 'admin':
      return sql<boolean>`TRUE`;
    case 'radiologist':
      return principal.hospitalId === null
        ? sql<boolean>`FALSE`
        : sql<boolean>`(s.hospital_id = ${principal.hospitalId} OR s.escalated_to = ${principal.hospitalId})`;
    case 'radiographer':
      return principal.clinicId === null ? sql<boolean>`FALSE` : sql<boolean>`s.clinic_id = ${principal.clinicId}`;
  }
}
