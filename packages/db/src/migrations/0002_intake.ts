/**
 * Intake details: a clinic's default character set for modalities that mislabel their text, a
 * searchable form of the patient name (pinyin and initials), and when an image arrived late.
 */
export const sql0002 = `
ALTER TABLE clinic ADD COLUMN default_charset text;
ALTER TABLE study ADD COLUMN patient_name_search text NOT NULL DEFAULT '';
ALTER TABLE study ADD COLUMN late_instance_at timestamptz;
CREATE INDEX study_instance_count ON study (clinic_id, status);
`;
