-- Rate limits held across every hub process on one database (docs/scaling.md): one token bucket
-- per key (`cetec:<tenant url>`, `paperless:<sha256 of the token>`; never a token itself).
-- `tokens` as of `updated_at` (epoch ms of the database's clock); refilled and taken in one
-- statement (src/store/postgres/sql/rate-take.ts).
CREATE TABLE rate_buckets (
  key TEXT PRIMARY KEY,
  tokens DOUBLE PRECISION NOT NULL,
  updated_at DOUBLE PRECISION NOT NULL
);
