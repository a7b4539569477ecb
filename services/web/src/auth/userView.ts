import { NotFoundError } from '@telerad/core';
import type { DbHandle } from '@telerad/db';

export interface UserView {
  id: string;
  username: string;
  role: 'admin' | 'radiologist' | 'radiographer';
  name: { zh: string; en: string };
  clinic: { code: string; name: { zh: string; en: string } } | null;
  hospital: { code: string; name: { zh: string; en: string } } | null;
}

export async function loadUserView(db: DbHandle, userId: string): Promise<UserView> {
  const row = await db.db
    .selectFrom('app_user as u')
    .leftJoin('clinic as c', 'c.id', 'u.clinic_id')
    .leftJoin('hospital as h', 'h.id', 'u.hospital_id')
    .select([
      'u.id',
      'u.username',
      'u.role',
      'u.name_zh',
      'u.name_en',
      'c.code as clinic_code',
      'c.name_zh as clinic_zh',
      'c.name_en as clinic_en',
      'h.code as hospital_code',
      'h.name_zh as hospital_zh',
      'h.name_en as hospital_en',
    ])
    .where('u.id', '=', userId)
    .executeTakeFirst();
  if (row === undefined) throw new NotFoundError('user not found');
  return {
    id: row.id,
    username: row.username,
    role: row.role,
    name: { zh: row.name_zh, en: row.name_en },
    clinic: row.clinic_code
      ? { code: row.clinic_code, name: { zh: row.clinic_zh ?? '', en: row.clinic_en ?? '' } }
      : null,
    hospital: row.hospital_code
      ? { code: row.hospital_code, name: { zh: row.hospital_zh ?? '', en: row.hospital_en ?? '' } }
      : null,
  };
}
