/**
 * The `cablebuilder` section of the config file: which profile's Cetec tenant designs go to, the
 * Send Design receiver, the client for Get/Update/Create Design, and the design translation.
 * Secrets by name only, like everywhere else (docs/cablebuilder.md).
 */
import { z } from 'zod';
import { receiverPolicySchema } from '../systems/cablebuilder/send-design-contract.ts';
import { designTranslationOptionsSchema } from '../translate/design-to-cetec/options.ts';

const secretName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be the name of an environment variable or secrets-file entry, not the secret itself');

export const receiverAuthSchema = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('shared-secret'), secretEnv: secretName, header: z.string().min(1).optional() }),
  z.strictObject({ mode: z.literal('basic'), user: z.string().min(1), passwordEnv: secretName }),
  /** Anonymous access: only when written out, never by default. */
  z.strictObject({ mode: z.literal('none-explicit') }),
]);

export const clientAuthSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('basic'), user: z.string().min(1), passwordEnv: secretName }),
  z.strictObject({ kind: z.literal('header'), name: z.string().min(1), valueEnv: secretName }),
]);

export const cableBuilderSettingsSchema = z.strictObject({
  /** The profile whose Cetec tenant receives designs (default: the default profile). */
  profile: z.string().optional(),
  receiver: z
    .strictObject({
      path: z.string().regex(/^\/[A-Za-z0-9/_-]*$/, 'must be a path such as /cablebuilder/send-design').default('/cablebuilder/send-design'),
      auth: receiverAuthSchema,
      bodyLimitBytes: z.number().int().positive().default(5 * 1024 * 1024),
      /** `queue`: answer once stored; `sync`: push to Cetec first, within `syncBudgetMs`. */
      mode: z.enum(['queue', 'sync']).default('sync'),
      syncBudgetMs: z.number().int().positive().default(10_000),
      /** How often outcomes CableBuilder has not yet accepted (after a "queued" answer) are sent again by Update Design. */
      reportEverySeconds: z.number().positive().default(30),
      policy: receiverPolicySchema.default(() => receiverPolicySchema.parse({})),
    })
    .optional(),
  client: z
    .strictObject({
      baseUrl: z.string().url().transform((u) => u.replace(/\/+$/, '')),
      auth: clientAuthSchema.optional(),
      timeoutMs: z.number().int().positive().default(30_000),
      multiLevelTimeoutMs: z.number().int().positive().default(120_000),
    })
    .optional(),
  translation: designTranslationOptionsSchema.default(() => designTranslationOptionsSchema.parse({})),
});

export type CableBuilderSettings = z.output<typeof cableBuilderSettingsSchema>;
