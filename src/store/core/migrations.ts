/** Schema migrations: each numbered file of the dialect's folder applied once, in order. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { migrationStatements } from '../sql/migrations.ts';
import type { Statement } from '../sql/statement.ts';
import type { Store } from '../store.ts';
import type { CoreContext } from './context.ts';

export type MigrationOptions = {
  migrationsDir: string;
  /** Runs before a migration pass inside its transaction (PostgreSQL: an advisory lock). */
  migrationLock?: Statement;
};

export function migrationMethods(ctx: CoreContext, options: MigrationOptions): Pick<Store, 'migrate'> {
  const { db, clock } = ctx;
  const migrations = migrationStatements(ctx.dialect);
  return {
    async migrate() {
      const files = (await readdir(options.migrationsDir)).filter((f) => /^\d{4}-[a-z0-9-]+\.sql$/.test(f)).sort();
      // Versions are the numbers; two files with one number would leave the second unapplied
      // without a word (two branches adding their migration at once).
      const seen = new Map<number, string>();
      for (const file of files) {
        const other = seen.get(Number(file.slice(0, 4)));
        if (other !== undefined) throw new Error(`migrations ${other} and ${file} in ${options.migrationsDir} share a version number`);
        seen.set(Number(file.slice(0, 4)), file);
      }
      const applied: string[] = [];
      for (const file of files) {
        const version = Number(file.slice(0, 4));
        const script = await readFile(join(options.migrationsDir, file), 'utf8');
        // Each migration in its own transaction; the check inside it makes a concurrent
        // migrate() by another process a no-op instead of a failure.
        const did = await db.transaction(async (tx) => {
          if (options.migrationLock !== undefined) await tx.all(options.migrationLock);
          await tx.run(migrations.createMigrationsTable());
          const done = await tx.all(migrations.selectApplied());
          if (done.some((r) => Number(r.version) === version)) return false;
          await tx.exec(script);
          await tx.run(migrations.insertApplied(version, file, clock()));
          return true;
        });
        if (did) applied.push(file);
      }
      return { applied };
    },
  };
}
