/**
 * What QIDO-RS matches on and returns at each level (PS3.18 §10.6) that the index did not keep:
 * Referring Physician's Name (all groups, as the PN value) and Study ID for studies, the Performed
 * Procedure Step start for series, Bits Allocated for instances. Rows indexed before this migration
 * keep '' / null until their instances are sent again.
 */
export const sql0006 = `
ALTER TABLE study ADD COLUMN referring_physician_name text NOT NULL DEFAULT '';
ALTER TABLE study ADD COLUMN dicom_study_id text NOT NULL DEFAULT '';
ALTER TABLE series ADD COLUMN pps_start_date text NOT NULL DEFAULT '';
ALTER TABLE series ADD COLUMN pps_start_time text NOT NULL DEFAULT '';
ALTER TABLE instance ADD COLUMN bits_allocated integer;
CREATE INDEX study_study_date ON study (study_date);
CREATE INDEX study_patient_id ON study (patient_id);
CREATE INDEX study_accession_number ON study (accession_number);
`;
