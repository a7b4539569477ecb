import { ForbiddenError, type Principal } from '@telerad/core';

interface Owned {
  clinic_id: string;
  hospital_id: string;
  /** A fallback hospital the study escalated to; its radiologists see it too. */
  escalated_to?: string | null;
}

/**
 * Tenancy: an administrator sees every study, a radiologist the studies of their hospital (and those
 * escalated to it), a
 * radiographer or a clinic token only their clinic's.
 */
export function canSee(principal: Principal, study: Owned): boolean {
  if (principal.kind === 'clinic') return principal.clinicId === study.clinic_id;
  switch (principal.role) {
    case 'admin':
      return true;
    case 'radiologist':
      return (
        principal.hospitalId === study.hospital_id ||
        (principal.hospitalId !== null && principal.hospitalId === study.escalated_to)
      );
    case 'radiographer':
      return principal.clinicId === study.clinic_id;
  }
}

export function assertCanSee(principal: Principal, study: Owned): void {
  if (!canSee(principal, study)) throw new ForbiddenError('this study belongs to another clinic or hospital');
}

export function radiologistOf(principal: Principal): { userId: string; hospitalId: string } {
  if (principal.kind === 'user' && principal.role === 'radiologist' && principal.hospitalId !== null) {
    return { userId: principal.userId, hospitalId: principal.hospitalId };
  }
  throw new ForbiddenError('only a radiologist can do this');
}

export function requireRole(principal: Principal, ...roles: Array<'admin' | 'radiologist' | 'radiographer'>): void {
  if (principal.kind === 'user' && roles.includes(principal.role)) return;
  throw new ForbiddenError(`this needs one of the roles: ${roles.join(', ')}`);
}
