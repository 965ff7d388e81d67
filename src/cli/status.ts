/**
 * `shopwire status [--json] [--check]`: jobs by state, last poll, last heartbeat, the
 * needs-attention list. `--check` is for monitoring: it also makes one harmless call per system
 * and profile, and the exit code says whether anything needs a person. It also lists what discovery
 * set aside (quarantined Paperless Parts events, with their reasons).
 */
import type { Command } from 'commander';
import { openConfiguredStore } from './open-store.ts';
import { commandConfig, describeJob, isoOrNull, jobJson, printJson } from './context.ts';
import { quarantinedItem } from './dashboard-port.ts';
import { onlineFindings, type Finding } from './doctor.ts';
import { localTime, paint } from './terminal.ts';

/** Exit codes of `status --check`. */
export const CHECK_EXIT = { ok: 0, attention: 1, unreachable: 3 } as const;

export function register(program: Command): void {
  program
    .command('status')
    .description('jobs by state, last poll, last heartbeat, needs-attention list')
    .option('--json', 'print as JSON (times in ISO 8601)')
    .option('--check', `for monitoring: also call each system once; exit ${CHECK_EXIT.attention} when a job needs attention or a profile is paused, ${CHECK_EXIT.unreachable} when a system does not answer`)
    .action(async (options: { json?: boolean; check?: boolean }, command: Command) => {
      const config = commandConfig(command);
      const store = await openConfiguredStore(config);
      let counts, profiles, health, attention, oldest, quarantineCounts, quarantined;
      try {
        counts = await store.countJobs();
        profiles = await store.listProfiles();
        health = await store.listHealth();
        attention = (await store.listJobs({ state: 'needs-attention', limit: 50, offset: 0 })).jobs;
        oldest = await store.oldestRunnableAt();
        quarantineCounts = await store.countQuarantined();
        quarantined = (await store.quarantinedEvents({ limit: 50 })).map(quarantinedItem);
      } finally {
        await store.close();
      }
      const attentionTotal = counts.filter((c) => c.state === 'needs-attention').reduce((n, c) => n + c.count, 0);
      const paused = profiles.filter((p) => p.paused);
      const systems: Finding[] = [];
      if (options.check) systems.push(...(await onlineFindings(config, 'status --check', options.json === true)));
      const unreachable = systems.filter((f) => f.level === 'error');
      const exit = unreachable.length > 0 ? CHECK_EXIT.unreachable : attentionTotal > 0 || paused.length > 0 ? CHECK_EXIT.attention : CHECK_EXIT.ok;
      if (options.check) process.exitCode = exit;

      if (options.json) {
        printJson({
          counts,
          profiles: profiles.map((p) => ({
            ...p,
            lastPollAt: isoOrNull(p.lastPollAt),
            lastHeartbeatAt: isoOrNull(p.lastHeartbeatAt),
            lastSuccessAt: isoOrNull(p.lastSuccessAt),
            systems: health
              .filter((h) => h.profile === p.profile)
              .map((h) => ({ ...h, failingSince: isoOrNull(h.failingSince), lastErrorAt: isoOrNull(h.lastErrorAt), lastOkAt: isoOrNull(h.lastOkAt), nextTryAt: isoOrNull(h.nextTryAt) })),
          })),
          oldestRunnableAt: isoOrNull(oldest),
          needsAttention: attention.map(jobJson),
          quarantinedTotal: quarantineCounts.reduce((n, c) => n + c.count, 0),
          quarantined,
          ...(options.check ? { check: { exitCode: exit, needsAttention: attentionTotal, pausedProfiles: paused.map((p) => p.profile), systems } } : {}),
        });
        return;
      }
      const out: string[] = [];
      const now = Date.now();
      for (const p of profiles) {
        out.push(
          `profile ${p.profile}${p.paused ? `  ${paint(process.stdout, 'red', 'PAUSED')}: ${p.pausedReason ?? ''}` : ''}`,
          `  last poll ${localTime(p.lastPollAt, now)}, last heartbeat ${localTime(p.lastHeartbeatAt, now)}, last success ${localTime(p.lastSuccessAt, now)}, cursor ${p.cursor ?? 'none'}`,
        );
        // Each outside system: answering, or failing since when, with the last error and the next try.
        for (const h of health.filter((x) => x.profile === p.profile)) {
          out.push(
            h.failingSince === null
              ? `  ${h.system}: answering (last answer ${localTime(h.lastOkAt, now)})`
              : `  ${h.system}: ${paint(process.stdout, 'red', 'FAILING')} since ${localTime(h.failingSince, now)} (${h.failures} failure${h.failures === 1 ? '' : 's'}); last error ${h.lastErrorCode ?? 'unknown'}: ${h.lastErrorMessage ?? ''}; next try ${localTime(h.nextTryAt, now)}`,
          );
        }
      }
      if (counts.length === 0) out.push('no jobs yet');
      for (const c of counts) out.push(`  ${c.profile}  ${c.flow}  ${c.state}: ${c.count}`);
      if (oldest !== null) out.push(`oldest runnable job waiting since ${localTime(oldest, now)}`);
      if (attention.length > 0) {
        out.push(paint(process.stdout, 'yellow', `needs attention (${attentionTotal}):`));
        for (const job of attention) out.push(`  ${describeJob(job)}`);
      }
      const total = quarantineCounts.reduce((n, c) => n + c.count, 0);
      if (total > 0) {
        out.push(`set aside by discovery (quarantined, ${total} in all; nothing else waited for them):`);
        for (const q of quarantined) out.push(`  ${q.profile}  ${q.at === null ? '' : localTime(Date.parse(q.at), now)}  ${q.type}  ${q.reason}: ${q.message}`);
      }
      if (options.check) {
        for (const f of systems) out.push(`${f.level === 'ok' ? paint(process.stdout, 'green', 'ok  ') : paint(process.stdout, 'red', 'FAIL')}  ${f.text}`);
        out.push(exit === CHECK_EXIT.ok ? 'check: all well' : exit === CHECK_EXIT.attention ? `check: needs a person (${attentionTotal} job(s) need attention, ${paused.length} profile(s) paused)` : `check: ${unreachable.length} system(s) unreachable`);
      }
      process.stdout.write(`${out.join('\n')}\n`);
    });
}
