-- shopwire store, SQLite. Times are epoch milliseconds (INTEGER); JSON is TEXT.
-- See docs/store.md for what each column means.
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  flow TEXT NOT NULL,
  profile TEXT NOT NULL,
  key TEXT NOT NULL,
  payload TEXT,
  payload_hash TEXT,
  triggers TEXT NOT NULL DEFAULT '[]',
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  lease_owner TEXT,
  lease_until INTEGER,
  last_error TEXT,
  result TEXT,
  plan TEXT,
  parts TEXT NOT NULL DEFAULT '[]',
  run INTEGER NOT NULL DEFAULT 1,
  update_requested INTEGER NOT NULL DEFAULT 0,
  correlation_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  finished_at INTEGER,
  UNIQUE (flow, profile, key)
);
CREATE INDEX jobs_runnable ON jobs (state, next_attempt_at);
CREATE INDEX jobs_created ON jobs (created_at);

CREATE TABLE job_steps (
  job_id INTEGER NOT NULL REFERENCES jobs (id),
  step_key TEXT NOT NULL,
  step_index INTEGER NOT NULL,
  run INTEGER NOT NULL,
  status TEXT NOT NULL,
  result TEXT,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (job_id, step_key)
);

CREATE TABLE part_locks (
  profile TEXT NOT NULL,
  part TEXT NOT NULL,
  job_id INTEGER,
  PRIMARY KEY (profile, part)
);
CREATE INDEX part_locks_job ON part_locks (job_id);

CREATE TABLE transfers (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id INTEGER NOT NULL REFERENCES jobs (id),
  step INTEGER,
  system TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  method TEXT NOT NULL,
  url TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  request_body TEXT,
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  status INTEGER,
  response_body TEXT,
  duration_ms INTEGER,
  outcome TEXT NOT NULL,
  error TEXT
);
CREATE INDEX transfers_job ON transfers (job_id);

CREATE TABLE profiles (
  profile TEXT PRIMARY KEY,
  cursor INTEGER,
  paused INTEGER NOT NULL DEFAULT 0,
  paused_reason TEXT,
  last_poll_at INTEGER,
  last_heartbeat_at INTEGER,
  last_success_at INTEGER
);

CREATE TABLE events (
  profile TEXT NOT NULL,
  uuid TEXT NOT NULL,
  type TEXT NOT NULL,
  created TEXT NOT NULL,
  body TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  handled_at INTEGER,
  outcome TEXT,
  PRIMARY KEY (profile, uuid)
);

CREATE TABLE job_actions (
  action_uuid TEXT PRIMARY KEY,
  profile TEXT NOT NULL,
  job_id INTEGER NOT NULL REFERENCES jobs (id),
  status TEXT NOT NULL,
  message TEXT,
  updated_at INTEGER NOT NULL
);
CREATE INDEX job_actions_job ON job_actions (job_id);
