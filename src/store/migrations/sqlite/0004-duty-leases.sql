-- Duties that must run on one hub process at a time (a profile's discovery: new orders, the
-- integration's events and on/off, heartbeats): the holder and until when (epoch ms). A holder
-- renews its lease while it lives; another process takes the duty once the lease has run out.
CREATE TABLE duty_leases (
  duty TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  lease_until INTEGER NOT NULL,
  acquired_at INTEGER NOT NULL
);
