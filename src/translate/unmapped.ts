/**
 * Values a mapping table lacks, as the translators name them in their messages (operation,
 * ship method, payment terms, CableBuilder resource), and the exact YAML an operator adds to map
 * one. Used by `doctor --orders`, the dashboard's Mappings page and its advice.
 */
export type UnmappedKind = 'operation' | 'resource' | 'shipping-method' | 'payment-terms' | 'material' | 'other';

const PATTERNS: { kind: UnmappedKind; re: RegExp }[] = [
  { kind: 'operation', re: /add ("[^"]*") to translation\.routing\.operations/g },
  { kind: 'shipping-method', re: /ship method ("[^"]*") has no Cetec ship code/g },
  { kind: 'payment-terms', re: /payment terms ("[^"]*") are not in translation/g },
  { kind: 'resource', re: /resource ("[^"]*") has no Cetec location/g },
];

/** Every unmapped value a message names. */
export function unmappedIn(text: string): { kind: UnmappedKind; value: string }[] {
  const out: { kind: UnmappedKind; value: string }[] = [];
  for (const { kind, re } of PATTERNS) {
    for (const match of text.matchAll(re)) {
      const raw = match[1]!;
      out.push({ kind, value: raw.startsWith('"') ? (JSON.parse(raw) as string) : raw });
    }
  }
  return out;
}

/** The config key of the table that maps a kind of value (under the profile, or top level for CableBuilder). */
export const TABLE_KEY: Partial<Record<UnmappedKind, string>> = {
  operation: 'translation.routing.operations',
  'shipping-method': 'translation.salesOrder.shipVia',
  'payment-terms': 'translation.salesOrder.paymentTerms',
  resource: 'cablebuilder.translation.resourceLocations',
};

/** A YAML scalar for a key or value: plain when safe, else double-quoted JSON. */
function scalar(text: string): string {
  return /^[A-Za-z][A-Za-z0-9 _./()-]*$/.test(text) && !/^(true|false|null|yes|no|on|off|y|n)$/i.test(text) && !text.endsWith(' ') ? text : JSON.stringify(text);
}

/**
 * The YAML to add to the config file so `value` is mapped, with `target` (e.g. a Cetec location
 * key) filled in, or a placeholder to replace. Entries extend the built-in table; nothing else in
 * the table needs repeating.
 */
export function yamlToAdd(kind: UnmappedKind, value: string, profile: string, target = 'CETEC_KEY'): string | null {
  const key = TABLE_KEY[kind];
  if (key === undefined) return null;
  const parts = key.split('.');
  const lines = kind === 'resource' ? [] : ['profiles:', `  ${scalar(profile)}:`];
  let indent = kind === 'resource' ? '' : '    ';
  for (const part of parts) {
    lines.push(`${indent}${part}:`);
    indent += '  ';
  }
  lines.push(`${indent}${scalar(value)}: ${target}`);
  return lines.join('\n');
}
