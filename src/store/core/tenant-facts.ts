/** What a self-test established about a profile's tenant in an outside system (JSON, read unvalidated). */
import { redactValue } from '../../lib/redact.ts';
import { tenantFactStatements } from '../sql/tenant-facts.ts';
import type { Store } from '../store.ts';
import type { CoreContext } from './context.ts';
import { json, one } from './rows.ts';

export function tenantFactMethods(ctx: CoreContext): Pick<Store, 'getTenantFacts' | 'saveTenantFacts'> {
  const { db } = ctx;
  const statements = tenantFactStatements(ctx.dialect);
  return {
    async getTenantFacts(profile, system) {
      const row = await one(db, statements.selectTenantFacts(profile, system));
      return row === undefined ? null : { facts: json(row.facts), checkedAt: Number(row.checked_at) };
    },
    async saveTenantFacts(profile, system, facts) {
      await db.run(statements.upsertTenantFacts(profile, system, JSON.stringify(redactValue(facts)), ctx.clock()));
    },
  };
}
