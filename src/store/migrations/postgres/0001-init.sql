-- shopwire store, PostgreSQL. Times are epoch milliseconds (BIGINT); JSON is JSONB (parts stays TEXT).
-- See docs/store.md for what each column means.
CREATE TABLE jobs (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  flow TEXT NOT NULL,
  profile TEXT NOT NULL,
  key TEXT NOT NULL,
  payload JSONB,
  payload_hash TEXT,
  triggers JSONB NOT NULL DEFAULT '[]',
  state TEXT NOT NULL,
  attempts BIGINT NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  lease_owner TEXT,
  lease_until BIGINT,
  last_error JSONB,
  result JSONB,
  plan JSONB,
  parts TEXT NOT NULL DEFAULT '[]',
  run BIGINT NOT NULL DEFAULT 1,
  update_requested BIGINT NOT NULL DEFAULT 0,
  correlation_id TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  finished_at BIGINT,
  UNIQUE (flow, profile, key)
);
CREATE INDEX jobs_runnable ON jobs (state, next_attempt_at);
CREATE INDEX jobs_created ON jobs (created_at);

CREATE TABLE job_steps (
  job_id BIGINT NOT NULL REFERENCES jobs (id),
  step_key TEXT NOT NULL,
  step_index BIGINT NOT NULL,
  run BIGINT NOT NULL,
  status TEXT NOT NULL,
  result JSONB,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (job_id, step_key)
);

CREATE TABLE part_locks (
  profile TEXT NOT NULL,
  part TEXT NOT NULL,
  job_id BIGINT,
  PRIMARY KEY (profile, part)
);
CREATE INDEX part_locks_job ON part_locks (job_id);

CREATE TABLE transfers (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  job_id BIGINT NOT NULL REFERENCES jobs (id),
  step BIGINT,
  system TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  method TEXT NOT NULL,
  url TEXT NOT NULL,
  attempt BIGINT NOT NULL,
  request_body JSONB,
  started_at BIGINT NOT NULL,
  ended_at BIGINT,
  status BIGINT,
  response_body JSONB,
  duration_ms BIGINT,
  outcome TEXT NOT NULL,
  error TEXT
);
CREATE INDEX transfers_job ON transfers (job_id);

CREATE TABLE profiles (
  profile TEXT PRIMARY KEY,
  cursor BIGINT,
  paused BIGINT NOT NULL DEFAULT 0,
  paused_reason TEXT,
  last_poll_at BIGINT,
  last_heartbeat_at BIGINT,
  last_success_at BIGINT
);

CREATE TABLE events (
  profile TEXT NOT NULL,
  uuid TEXT NOT NULL,
  type TEXT NOT NULL,
  created TEXT NOT NULL,
  body JSONB NOT NULL,
  received_at BIGINT NOT NULL,
  handled_at BIGINT,
  outcome TEXT,
  PRIMARY KEY (profile, uuid)
);

CREATE TABLE job_actions (
  action_uuid TEXT PRIMARY KEY,
  profile TEXT NOT NULL,
  job_id BIGINT NOT NULL REFERENCES jobs (id),
  status TEXT NOT NULL,
  message TEXT,
  updated_at BIGINT NOT NULL
);
CREATE INDEX job_actions_job ON job_actions (job_id);
