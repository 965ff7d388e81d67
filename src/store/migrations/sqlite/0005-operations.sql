-- Running it in production: the health of each outside system per profile (last error, since
-- when, next try), the audit log of operator actions, and dashboard sessions (kept across restarts).
CREATE TABLE system_health (
  profile TEXT NOT NULL,
  system TEXT NOT NULL,
  failing_since INTEGER,
  failures INTEGER NOT NULL DEFAULT 0,
  last_error_code TEXT,
  last_error_message TEXT,
  last_error_at INTEGER,
  last_ok_at INTEGER,
  next_try_at INTEGER,
  PRIMARY KEY (profile, system)
);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  profile TEXT,
  job_id TEXT,
  detail TEXT
);
CREATE INDEX audit_log_job ON audit_log (job_id);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY,
  user_name TEXT NOT NULL,
  csrf TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);
