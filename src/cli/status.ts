/**
 * `shopwire status [--json]`: jobs by state, last poll, last heartbeat, the needs-attention list,
 * and what discovery set aside (quarantined Paperless Parts events, with their reasons).
 */
import type { Command } from 'commander';
import { openConfiguredStore } from './compose.ts';
import { quarantinedItem } from './dashboard-port.ts';
import { commandConfig, describeJob, isoOrNull, jobJson, printJson } from './context.ts';


export function register(program: Command): void {
  program
    .command('status')
    .description('jobs by state, last poll, last heartbeat, needs-attention list')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const config = commandConfig(command);
      const store = await openConfiguredStore(config);
      try {
        const counts = await store.countJobs();
        const profiles = await store.listProfiles();
        const attention = (await store.listJobs({ state: 'needs-attention', limit: 50, offset: 0 })).jobs;
        const oldest = await store.oldestRunnableAt();
        const quarantineCounts = await store.countQuarantined();
        const quarantined = (await store.quarantinedEvents({ limit: 50 })).map(quarantinedItem);
        if (options.json) {
          printJson({
            counts,
            profiles: profiles.map((p) => ({ ...p, lastPollAt: isoOrNull(p.lastPollAt), lastHeartbeatAt: isoOrNull(p.lastHeartbeatAt), lastSuccessAt: isoOrNull(p.lastSuccessAt) })),
            oldestRunnableAt: isoOrNull(oldest),
            needsAttention: attention.map(jobJson),
            quarantinedTotal: quarantineCounts.reduce((n, c) => n + c.count, 0),
            quarantined,
          });
          return;
        }
        const out: string[] = [];
        for (const p of profiles) {
          out.push(
            `profile ${p.profile}${p.paused ? `  PAUSED: ${p.pausedReason ?? ''}` : ''}`,
            `  last poll ${isoOrNull(p.lastPollAt) ?? 'never'}, last heartbeat ${isoOrNull(p.lastHeartbeatAt) ?? 'never'}, last success ${isoOrNull(p.lastSuccessAt) ?? 'never'}, cursor ${p.cursor ?? 'none'}`,
          );
        }
        if (counts.length === 0) out.push('no jobs yet');
        for (const c of counts) out.push(`  ${c.profile}  ${c.flow}  ${c.state}: ${c.count}`);
        if (oldest !== null) out.push(`oldest runnable job waiting since ${isoOrNull(oldest)}`);
        if (attention.length > 0) {
          out.push('needs attention:');
          for (const job of attention) out.push(`  ${describeJob(job)}`);
        }
        const total = quarantineCounts.reduce((n, c) => n + c.count, 0);
        if (total > 0) {
          out.push(`set aside by discovery (quarantined, ${total} in all; nothing else waited for them):`);
          for (const q of quarantined) out.push(`  ${q.profile}  ${q.at ?? ''}  ${q.type}  ${q.reason}: ${q.message}`);
        }
        process.stdout.write(`${out.join('\n')}\n`);
      } finally {
        await store.close();
      }
    });
}
