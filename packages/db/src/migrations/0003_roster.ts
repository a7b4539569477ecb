/**
 * The roster: each radiologist's shifts, cap and qualifications, and a heartbeat from the worklist
 * page (presence); each hospital's time zone, its upper-level fallback hospitals and whether its
 * residents may sign alone. On studies: who a study was moved from and why (SLA warning, off duty)
 * and the fallback hospital it escalated to. SLA alerts for administrators.
 */
export const sql0003 = `
ALTER TABLE hospital ADD COLUMN time_zone text NOT NULL DEFAULT 'Asia/Shanghai';
ALTER TABLE hospital ADD COLUMN residents_may_sign boolean NOT NULL DEFAULT false;

CREATE TABLE hospital_fallback (
  hospital_id uuid NOT NULL REFERENCES hospital(id),
  rank integer NOT NULL,
  fallback_hospital_id uuid NOT NULL REFERENCES hospital(id),
  PRIMARY KEY (hospital_id, rank),
  UNIQUE (hospital_id, fallback_hospital_id),
  CHECK (hospital_id <> fallback_hospital_id)
);

ALTER TABLE app_user ADD COLUMN shifts jsonb NOT NULL DEFAULT '{"weekly":[],"dated":[]}'::jsonb;
ALTER TABLE app_user ADD COLUMN max_open integer CHECK (max_open > 0);
ALTER TABLE app_user ADD COLUMN modalities jsonb;
ALTER TABLE app_user ADD COLUMN body_parts jsonb;
ALTER TABLE app_user ADD COLUMN last_seen_at timestamptz;

ALTER TABLE study ADD COLUMN reassigned_at timestamptz;
ALTER TABLE study ADD COLUMN reassigned_from uuid REFERENCES app_user(id);
ALTER TABLE study ADD COLUMN reassign_reason text;
ALTER TABLE study ADD COLUMN escalated_to uuid REFERENCES hospital(id);
ALTER TABLE study ADD COLUMN escalated_at timestamptz;
CREATE INDEX study_unopened ON study (assigned_to) WHERE status = 'assigned' AND claimed_at IS NULL;

CREATE TABLE sla_alert (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  study_id uuid NOT NULL REFERENCES study(id),
  kind text NOT NULL CHECK (kind IN ('breach','escalated','not-escalated')),
  hospital_id uuid NOT NULL REFERENCES hospital(id),
  detail jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  acknowledged_at timestamptz,
  acknowledged_by uuid REFERENCES app_user(id),
  UNIQUE (study_id, kind)
);
CREATE INDEX sla_alert_recent ON sla_alert (created_at DESC);
`;
