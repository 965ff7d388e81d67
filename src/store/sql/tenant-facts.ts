/** Statements on `tenant_facts`: what a self-test established about a profile's tenant, per system. */
import { sqlFor } from './statement.ts';
import type { Dialect, Statement } from './statement.ts';

export function tenantFactStatements(d: Dialect) {
  const sql = sqlFor(d);
  return {
    selectTenantFacts: (profile: string, system: string): Statement =>
      sql`SELECT facts, checked_at FROM tenant_facts WHERE profile = ${profile} AND system = ${system}`,
    upsertTenantFacts: (profile: string, system: string, facts: string, now: number): Statement => sql`
      INSERT INTO tenant_facts (profile, system, facts, checked_at) VALUES (${profile}, ${system}, ${facts}, ${now})
      ON CONFLICT (profile, system) DO UPDATE SET facts = ${facts}, checked_at = ${now}`,
  };
}
