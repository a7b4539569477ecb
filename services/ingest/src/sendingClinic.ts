import { ForbiddenError, type Principal, UnauthenticatedError } from '@telerad/core';

/** The clinic a caller sends for, and how the audit log names the caller. */
export function sendingClinicOfPrincipal(principal: Principal | undefined): { clinicId: string; actor: string } {
  if (principal === undefined) throw new UnauthenticatedError('sign in first: send Authorization: Bearer <token>');
  if (principal.kind === 'clinic') return { clinicId: principal.clinicId, actor: `clinic:${principal.clinicCode}` };
  if (principal.role === 'radiographer' && principal.clinicId !== null) {
    return { clinicId: principal.clinicId, actor: `user:${principal.username}` };
  }
  throw new ForbiddenError('only a clinic (API token) or its radiographer can send studies');
}
