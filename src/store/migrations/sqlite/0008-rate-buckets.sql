-- Rate limits held across every hub process on one database (docs/scaling.md): one token bucket
-- per key (`cetec:<tenant url>`, `paperless:<sha256 of the token>`; never a token itself).
-- Used on PostgreSQL only: on SQLite each process keeps its own bucket; the table is here so
-- that both stores have the same tables.
CREATE TABLE rate_buckets (
  key TEXT PRIMARY KEY,
  tokens REAL NOT NULL,
  updated_at REAL NOT NULL
);
