-- Several hub processes on one store, many profiles in one deployment (docs/scaling.md).
-- Duties that must run on one hub process at a time (a profile's discovery: new orders, the
-- integration's events and on/off, heartbeats): the holder and until when (epoch ms). A holder
-- renews its lease while it lives; another process takes the duty once the lease has run out.
CREATE TABLE duty_leases (
  duty TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  lease_until INTEGER NOT NULL,
  acquired_at INTEGER NOT NULL
);

-- When a job of the profile was last claimed: claims go to the least recently served profile
-- among those with as few jobs running (src/store/sql/claim-fair.ts).
ALTER TABLE profiles ADD COLUMN last_claim_at INTEGER;
