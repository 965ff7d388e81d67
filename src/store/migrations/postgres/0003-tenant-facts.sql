-- What a self-test established about a profile's tenant in an outside system (for Cetec: does the
-- order lookup work, what does a reused external key do; src/engine/cetec-tenant.ts). One row per
-- profile and system; `facts` is JSON, parsed by its reader.
CREATE TABLE tenant_facts (
  profile TEXT NOT NULL,
  system TEXT NOT NULL,
  facts TEXT NOT NULL,
  checked_at BIGINT NOT NULL,
  PRIMARY KEY (profile, system)
);
