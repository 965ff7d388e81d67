import { ShopwireError } from '../lib/errors.ts';

/** A problem in the config file or the secrets it names: always names file, key path and value. */
export class ConfigError extends ShopwireError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(message, { code: 'config.invalid', kind: 'config', ...(details ? { details } : {}) });
  }
}
