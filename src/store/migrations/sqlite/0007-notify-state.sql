-- What the notifier announced per profile (a pause, the outages, the jobs needing attention),
-- what waits to be sent and when the last message went (src/notify/notifier.ts), so a restart does
-- not announce an ongoing condition again. `state` is JSON read by the notifier; `version` grows
-- with every write, and a write names the version it read, so of several processes sharing the
-- store exactly one makes each change (and sends its message).
CREATE TABLE notify_state (
  profile TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  version INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
