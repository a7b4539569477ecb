export const ROLES = ['admin', 'radiologist', 'radiographer'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Who is calling: a signed-in user, or a clinic's API token (a modality gateway or the clinic's own
 * system). Tenancy rules read only this.
 */
export type Principal =
  | { kind: 'user'; userId: string; username: string; role: Role; hospitalId: string | null; clinicId: string | null }
  | { kind: 'clinic'; clinicId: string; clinicCode: string };
