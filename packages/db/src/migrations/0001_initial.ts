/** The first schema: the region, the study index, reports, SLA events, deliveries and the audit log. */
export const sql0001 = `
CREATE TABLE hospital (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code text NOT NULL UNIQUE,
  name_zh text NOT NULL,
  name_en text NOT NULL
);

CREATE TABLE clinic (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code text NOT NULL UNIQUE,
  name_zh text NOT NULL,
  name_en text NOT NULL,
  hospital_id uuid NOT NULL REFERENCES hospital(id),
  default_priority text NOT NULL CHECK (default_priority IN ('emergency','outpatient','inpatient')),
  webhook_url text,
  webhook_secret text
);

CREATE TABLE clinic_ae_title (
  ae_title text PRIMARY KEY,
  clinic_id uuid NOT NULL REFERENCES clinic(id)
);

CREATE TABLE clinic_api_token (
  token_sha256 text PRIMARY KEY,
  clinic_id uuid NOT NULL REFERENCES clinic(id),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE app_user (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  username text NOT NULL UNIQUE,
  password_hash text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin','radiologist','radiographer')),
  name_zh text NOT NULL,
  name_en text NOT NULL,
  hospital_id uuid REFERENCES hospital(id),
  clinic_id uuid REFERENCES clinic(id),
  title text,
  on_duty boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE user_session (
  token_sha256 text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES app_user(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX user_session_expires ON user_session (expires_at);

CREATE TABLE study (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  study_instance_uid text NOT NULL UNIQUE,
  clinic_id uuid NOT NULL REFERENCES clinic(id),
  hospital_id uuid NOT NULL REFERENCES hospital(id),
  priority text NOT NULL CHECK (priority IN ('emergency','outpatient','inpatient')),
  status text NOT NULL CHECK (status IN ('receiving','ready','assigned','reading','signed')),
  patient_name text NOT NULL DEFAULT '',
  patient_name_alphabetic text NOT NULL DEFAULT '',
  patient_name_ideographic text NOT NULL DEFAULT '',
  patient_name_phonetic text NOT NULL DEFAULT '',
  patient_id text NOT NULL DEFAULT '',
  patient_sex text NOT NULL DEFAULT '',
  patient_birth_date text NOT NULL DEFAULT '',
  accession_number text NOT NULL DEFAULT '',
  study_date text NOT NULL DEFAULT '',
  study_time text NOT NULL DEFAULT '',
  study_description text NOT NULL DEFAULT '',
  modalities text NOT NULL DEFAULT '',
  instance_count integer NOT NULL DEFAULT 0,
  received_at timestamptz NOT NULL DEFAULT now(),
  last_instance_at timestamptz NOT NULL DEFAULT now(),
  ready_at timestamptz,
  target_at timestamptz,
  warning_at timestamptz,
  deadline_at timestamptz,
  assigned_to uuid REFERENCES app_user(id),
  assigned_at timestamptz,
  claimed_at timestamptz,
  signed_at timestamptz,
  unassigned_reason text,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX study_worklist ON study (hospital_id, status, deadline_at);
CREATE INDEX study_assignee ON study (assigned_to, status);
CREATE INDEX study_clinic ON study (clinic_id, received_at DESC);

CREATE TABLE series (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  study_id uuid NOT NULL REFERENCES study(id),
  series_instance_uid text NOT NULL UNIQUE,
  modality text NOT NULL DEFAULT '',
  series_number integer,
  series_description text NOT NULL DEFAULT '',
  body_part text NOT NULL DEFAULT ''
);
CREATE INDEX series_study ON series (study_id);

CREATE TABLE instance (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  study_id uuid NOT NULL REFERENCES study(id),
  series_id uuid NOT NULL REFERENCES series(id),
  sop_instance_uid text NOT NULL UNIQUE,
  sop_class_uid text NOT NULL,
  transfer_syntax_uid text NOT NULL,
  instance_number integer,
  rows integer,
  columns integer,
  number_of_frames integer NOT NULL DEFAULT 1,
  size_bytes bigint NOT NULL,
  sha256 text NOT NULL,
  blob_key text NOT NULL,
  received_via text NOT NULL CHECK (received_via IN ('stow-rs','upload','c-store')),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX instance_series ON instance (series_id);
CREATE INDEX instance_study ON instance (study_id);

CREATE TABLE report (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  study_id uuid NOT NULL REFERENCES study(id),
  version integer NOT NULL,
  status text NOT NULL CHECK (status IN ('draft','final')),
  findings text NOT NULL DEFAULT '',
  impression text NOT NULL DEFAULT '',
  critical boolean NOT NULL DEFAULT false,
  author_id uuid NOT NULL REFERENCES app_user(id),
  signed_by uuid REFERENCES app_user(id),
  signed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (study_id, version)
);

CREATE TABLE sla_event (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  study_id uuid NOT NULL REFERENCES study(id),
  kind text NOT NULL CHECK (kind IN ('warning','breach')),
  assignee_id uuid REFERENCES app_user(id),
  fired_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (study_id, kind)
);

CREATE TABLE delivery (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  study_id uuid NOT NULL REFERENCES study(id),
  report_id uuid NOT NULL REFERENCES report(id),
  channel text NOT NULL CHECK (channel IN ('webhook')),
  target text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending','delivered','failed')),
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  last_attempt_at timestamptz,
  delivered_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (report_id, channel)
);
CREATE INDEX delivery_study ON delivery (study_id);

CREATE TABLE delivery_attempt (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  delivery_id uuid NOT NULL REFERENCES delivery(id),
  attempt integer NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  http_status integer,
  error text,
  duration_ms integer NOT NULL
);

CREATE TABLE audit_event (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,
  action text NOT NULL,
  study_id uuid REFERENCES study(id),
  detail jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_event_study ON audit_event (study_id, at);
`;
