/**
 * Clock pause (hold): the radiologist asks the clinic for more information or images; the SLA clock
 * stops until the clinic answers (or a new image arrives). `held_at` is set while a hold is open,
 * `paused_ms` is the total paused time already added to the study's deadlines. Every hold is kept
 * in `study_hold` with its question and answer. `priority_raised_*` records a clinic's raise.
 */
export const sql0004 = `
ALTER TABLE study ADD COLUMN held_at timestamptz;
ALTER TABLE study ADD COLUMN paused_ms bigint NOT NULL DEFAULT 0 CHECK (paused_ms >= 0);
ALTER TABLE study ADD COLUMN priority_raised_at timestamptz;
ALTER TABLE study ADD COLUMN priority_raised_from text CHECK (priority_raised_from IN ('emergency','outpatient','inpatient'));

CREATE TABLE study_hold (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  study_id uuid NOT NULL REFERENCES study(id),
  held_by uuid NOT NULL REFERENCES app_user(id),
  reason text NOT NULL,
  held_at timestamptz NOT NULL,
  answer text,
  answered_by text,
  resumed_via text CHECK (resumed_via IN ('answer','image')),
  resumed_at timestamptz,
  paused_ms bigint CHECK (paused_ms >= 0)
);
CREATE UNIQUE INDEX study_hold_open ON study_hold (study_id) WHERE resumed_at IS NULL;
CREATE INDEX study_hold_study ON study_hold (study_id, held_at);
`;
