import { ValidationError } from '@telerad/core';
import type { DbHandle } from '@telerad/db';
import { type Request, type Response, Router } from 'express';
import { nameSearchCondition } from '../api/studyQueries.js';
import { principalOf } from '../auth/authenticate.js';

type DicomJson = Record<string, { vr: string; Value?: unknown[] }>;

const text = (vr: string, value: string) => (value === '' ? { vr } : { vr, Value: [value] });

/** Person Name in DICOM JSON keeps its Alphabetic / Ideographic / Phonetic groups. */
function personName(alphabetic: string, ideographic: string, phonetic: string) {
  const pn: Record<string, string> = {};
  if (alphabetic) pn.Alphabetic = alphabetic;
  if (ideographic) pn.Ideographic = ideographic;
  if (phonetic) pn.Phonetic = phonetic;
  return Object.keys(pn).length === 0 ? { vr: 'PN' } : { vr: 'PN', Value: [pn] };
}

const DATE_RANGE = /^(\d{8})?-(\d{8})?$|^\d{8}$/;

/**
 * QIDO-RS study search (PS3.18 §10.6), scoped to the studies the caller may see. Matching on
 * StudyInstanceUID, PatientID, AccessionNumber (exact), StudyDate (single date or range) and
 * PatientName (any name group, pinyin or initials, with * and ? wildcards), with limit and offset; the full matching model arrives with the imaging work.
 */
export function qidoStudies(deps: { db: DbHandle }): Router {
  const router = Router();
  router.get('/studies', async (req: Request, res: Response) => {
    const principal = principalOf(res);
    const param = (...names: string[]) => {
      for (const name of names) {
        const v = req.query[name];
        if (typeof v === 'string' && v !== '') return v;
      }
      return undefined;
    };
    const limit = Number(param('limit') ?? 100);
    const offset = Number(param('offset') ?? 0);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      throw new ValidationError('limit must be an integer from 1 to 1000');
    if (!Number.isInteger(offset) || offset < 0) throw new ValidationError('offset must be a non-negative integer');

    let q = deps.db.db
      .selectFrom('study as s')
      .select([
        's.study_instance_uid',
        's.patient_name_alphabetic',
        's.patient_name_ideographic',
        's.patient_name_phonetic',
        's.patient_id',
        's.patient_sex',
        's.patient_birth_date',
        's.accession_number',
        's.study_date',
        's.study_time',
        's.study_description',
        's.modalities',
        's.instance_count',
      ])
      .orderBy('s.received_at', 'desc')
      .limit(limit)
      .offset(offset);
    if (principal.kind === 'clinic') q = q.where('s.clinic_id', '=', principal.clinicId);
    else if (principal.role === 'radiographer') q = q.where('s.clinic_id', '=', principal.clinicId ?? '');
    else if (principal.role === 'radiologist') q = q.where('s.hospital_id', '=', principal.hospitalId ?? '');

    const uid = param('StudyInstanceUID', '0020000D');
    if (uid !== undefined) q = q.where('s.study_instance_uid', 'in', uid.split(','));
    const patientName = param('PatientName', '00100010');
    if (patientName !== undefined) q = q.where(nameSearchCondition(patientName));
    const patientId = param('PatientID', '00100020');
    if (patientId !== undefined) q = q.where('s.patient_id', '=', patientId);
    const accession = param('AccessionNumber', '00080050');
    if (accession !== undefined) q = q.where('s.accession_number', '=', accession);
    const date = param('StudyDate', '00080020');
    if (date !== undefined) {
      if (!DATE_RANGE.test(date))
        throw new ValidationError(`StudyDate "${date}" is not YYYYMMDD or a range YYYYMMDD-YYYYMMDD`);
      const [from, to] = date.includes('-') ? date.split('-') : [date, date];
      if (from) q = q.where('s.study_date', '>=', from);
      if (to) q = q.where('s.study_date', '<=', to);
    }
    const rows = await q.execute();
    const base = `${req.protocol}://${req.get('host') ?? 'localhost'}${req.baseUrl}`;
    const body: DicomJson[] = rows.map((r) => ({
      '00080020': text('DA', r.study_date),
      '00080030': text('TM', r.study_time),
      '00080050': text('SH', r.accession_number),
      '00080061': r.modalities === '' ? { vr: 'CS' } : { vr: 'CS', Value: r.modalities.split('\\') },
      '00081030': text('LO', r.study_description),
      '00081190': text('UR', `${base}/studies/${r.study_instance_uid}`),
      '00100010': personName(r.patient_name_alphabetic, r.patient_name_ideographic, r.patient_name_phonetic),
      '00100020': text('LO', r.patient_id),
      '00100030': text('DA', r.patient_birth_date),
      '00100040': text('CS', r.patient_sex),
      '0020000D': text('UI', r.study_instance_uid),
      '00201208': { vr: 'IS', Value: [r.instance_count] },
    }));
    res.type('application/dicom+json').send(JSON.stringify(body));
  });
  return router;
}
