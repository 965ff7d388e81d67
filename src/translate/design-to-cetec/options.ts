/**
 * Options of the CableBuilder design → Cetec translation (docs/cablebuilder.md, "Translation").
 * The config file embeds this object under `cablebuilder.translation`; every key has a default, so
 * `{}` is a valid configuration. Parsed once at the edge; the translation receives the output type.
 */
import { z } from 'zod';

const attributeName = z.string().min(1);

export const designTranslationOptionsSchema = z.strictObject({
  /**
   * Cetec part number of a design. Placeholders: `{design}` (the design code), `{designAlternative}`.
   * The result is upper-cased (Cetec upper-cases part numbers) and must match `partNumberPattern`.
   */
  partNumber: z.string().min(1).default('{design}'),
  /** Revision label. Placeholders `{designAlternative}`, `{version}` [P-13]. */
  revision: z.string().default('{designAlternative}.{version}'),
  /** Revision of a BOM component whose design is not in the translated set (single-level input). */
  unknownComponentRevision: z.string().default(''),
  /** Characters a Cetec part number may hold (after upper-casing); anything else is a data error. */
  partNumberPattern: z.string().default('^[A-Z0-9][A-Z0-9 ._/()-]*$'),
  partNumberMaxLength: z.number().int().positive().default(60),
  attributes: z
    .strictObject({
      /** Bom attribute holding the quantity per parent unit. */
      quantity: attributeName.default('quantity'),
      /** Bom attributes naming the component [DOC]. */
      bomItem: attributeName.default('BOMitem'),
      bomDesignAlternative: attributeName.default('BOMdesignAlternative'),
      /** Optional bom attribute copied to the line's `pick_comments`. */
      pickComments: attributeName.nullable().default(null),
      /** Optional bom attribute copied to the line's `sourcing`. */
      sourcing: attributeName.nullable().default(null),
      /** Header attribute sent as the Cetec part's description (`PUT /api/part`); null = none. */
      description: attributeName.nullable().default('description'),
    })
    .default(() => ({ quantity: 'quantity', bomItem: 'BOMitem', bomDesignAlternative: 'BOMdesignAlternative', pickComments: null, sourcing: null, description: 'description' })),
  /** Quantity factor per bom `uom` (e.g. `{"m/km": 0.001}` turns metres per km into metres per metre). Unlisted: 1. */
  quantityUomFactors: z.record(z.string(), z.number().positive()).default({}),
  /** BOM line number (`component`) = layer × lineLayerFactor + position [P-13]. */
  lineLayerFactor: z.number().int().positive().default(1000),
  /** CableBuilder resource name → Cetec `location_external_key`. */
  resourceLocations: z.record(z.string(), z.string().min(1)).default({}),
  /** Location for resources missing from `resourceLocations`; null = such a resource is a data error. */
  defaultLocation: z.string().min(1).nullable().default(null),
  /**
   * When set, each routing location gets one operation with this external key, whose instructions
   * name the layers (processName and layer code) the operation makes.
   */
  operationExternalKey: z.string().min(1).nullable().default(null),
  /** Plants designs may come from; empty = any plant. */
  plants: z.array(z.string().min(1)).default([]),
  /**
   * Which revision of a design's part is current in Cetec after an import. `sent-version`: the
   * revision of the version CableBuilder sent becomes current (CableBuilder only ever sends, and Get
   * Design only ever answers, an alternative's current version: reference 11.6, A-10), for designs
   * of the `primaryAlternative` only (reference 12: one alternative is the item's main BOM). Cetec
   * makes only the first revision of a part current by itself (cetec.md 5.2, 9.3 item 7), so a newer
   * version would otherwise stay a side revision that orders asking for the current one never use.
   * `cetec-default`: leave it to Cetec.
   */
  currentRevision: z.enum(['sent-version', 'cetec-default']).default('sent-version'),
  /** The design alternative whose revisions may become current (reference 12, default 0). */
  primaryAlternative: z.number().int().min(0).default(0),
});

export type DesignTranslationOptions = z.output<typeof designTranslationOptionsSchema>;
export type DesignTranslationOptionsInput = z.input<typeof designTranslationOptionsSchema>;

export const DEFAULT_DESIGN_TRANSLATION_OPTIONS: DesignTranslationOptions = designTranslationOptionsSchema.parse({});
