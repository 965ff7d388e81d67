/**
 * A job's error in plain words, and what to do about it. Specific codes first (the outbound HTTP
 * helper's `http.*`, mapping problems), then one answer per error kind, so every error gets advice
 * even when its code is new.
 */
import type { JobError } from './ports.ts';

export type Advice = { headline: string; action: string };

const BY_CODE: { test: (code: string) => boolean; advice: Advice }[] = [
  {
    test: (c) => c === 'http.connect_failed',
    advice: { headline: 'shopwire could not reach the other system.', action: 'Check the base URL in Settings and that the system is up; shopwire retries by itself. Use Retry to try again now.' },
  },
  {
    test: (c) => c === 'http.tls_failed',
    advice: { headline: 'The other system’s certificate was not trusted.', action: 'Fix the certificate on that server (shopwire never skips TLS checks), then Retry.' },
  },
  {
    test: (c) => c === 'http.rate_limited',
    advice: { headline: 'The other system asked shopwire to slow down (HTTP 429).', action: 'Nothing to do: shopwire waits and retries. Lower the rate limit in the profile if this repeats.' },
  },
  {
    test: (c) => c === 'http.shared_limit_unanswered',
    advice: {
      headline: 'The call was not sent: the database holding the limits shared by the hub processes did not answer in time.',
      action: 'Nothing to do if the database is only slow: shopwire tries again. If it repeats, check the PostgreSQL server (status --check).',
    },
  },
  {
    test: (c) => c === 'http.circuit_open' || c === 'http.queue_full',
    advice: { headline: 'Calls to this system are paused after repeated failures.', action: 'Wait for the system to recover; shopwire probes it and resumes. Retry once it answers again.' },
  },
  {
    test: (c) => c === 'http.timeout' || c === 'http.reset' || c === 'http.truncated' || c === 'http.server_error' || c === 'http.not_json',
    advice: {
      headline: 'The call may or may not have taken effect: no usable answer came back.',
      action: 'Check in Cetec whether the part or sales order exists (search by the external key on this page). If it does, Cancel this job; if not, Retry.',
    },
  },
  {
    test: (c) => c === 'order.untranslatable',
    advice: {
      headline: 'The source cannot be carried into Cetec with the current mappings or data.',
      action: 'Each problem below names the field. Add what is missing to the mapping tables in the config file (see Mappings) and restart shopwire, or correct the order or design at its source; then Retry.',
    },
  },
  {
    test: (c) => c === 'engine.import_outcome_unknown',
    advice: {
      headline: 'The sales order may or may not exist in Cetec: its answer was lost.',
      action: 'Search Cetec for the external key named below, then run `shopwire resolve <job> --created --quote N --order N` or `shopwire resolve <job> --not-created`; the job finishes, or sends the import once.',
    },
  },
  {
    test: (c) => /unmapped|mapping/.test(c),
    advice: { headline: 'A value in the source has no mapping to Cetec.', action: 'Add it to the mapping table in the config file (see Mappings), restart or reload shopwire, then Retry.' },
  },
];

const BY_KIND: Record<JobError['kind'], Advice> = {
  data: { headline: 'The source document cannot be translated as it is.', action: 'Correct the order or design in its system (or the mapping in the config file and restart shopwire), then Retry.' },
  transient: { headline: 'A temporary failure; shopwire is retrying with backoff.', action: 'Nothing to do unless it keeps failing. Retry runs it now.' },
  auth: { headline: 'A token was refused, so the profile is paused.', action: 'Put a valid token in the environment or secrets file (see Settings for its name) and restart shopwire, or fix the token in the other system: shopwire probes it and resumes the profile by itself once it is accepted (or press Resume now on the overview).' },
  config: { headline: 'shopwire’s configuration is wrong for this job, so the profile is paused.', action: 'Run `shopwire doctor`, fix the config file it names and restart (or reload); then press Resume now on the overview or run `shopwire resume`.' },
  ambiguous: {
    headline: 'A call that must not be repeated blindly got no clear answer.',
    action: 'Check in Cetec whether the sales order exists (search by the external key), then tell shopwire: `shopwire resolve <job> --created …` or `--not-created`.',
  },
  internal: { headline: 'shopwire hit a bug.', action: 'Report it with this page’s error code and job id. Retry may work once fixed.' },
};

export function adviceFor(error: JobError): Advice {
  return BY_CODE.find((rule) => rule.test(error.code))?.advice ?? BY_KIND[error.kind] ?? BY_KIND.internal;
}
