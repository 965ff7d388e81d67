/**
 * The default seed: the reference's worked example of 7.4 (CABLE_A with cores, a conductor and
 * materials), catalogues, and attribute definitions. Names other than `standard`, `status`,
 * `outOfDate`, `BOMitem` and `BOMdesignAlternative` are site configuration, chosen to match the
 * guide's examples (`cost`, `quantity` in m/km, `lineSpeed`).
 */
import type { AttributeDefinition, Seed, StoredAttribute, StoredDesign, StoredOperation } from './state.ts';

const def = (scope: AttributeDefinition['scope'], name: string, description: string, type: string, uom: string, mapped: boolean, extra: Partial<AttributeDefinition> = {}): AttributeDefinition => ({
  scope, name, description, type, uom, mapped, ...extra,
});

export const SEED_ATTRIBUTES: AttributeDefinition[] = [
  def('header', 'standard', 'Standard', 'CHAR', '', true),
  def('header', 'description', 'Description', 'CHAR', '', true),
  def('header', 'cost', 'Cost', 'FLOAT', '£', true, { formula: true }),
  def('header', 'status', 'Status', 'CHAR', '', true),
  def('header', 'outOfDate', 'Out of date', 'INTEGER', '', false),
  def('header', 'conductorSize', 'Conductor size', 'FLOAT', 'mm2', true, { primary: true }),
  // Write-back targets for the ERP (not mapped: CableBuilder does not send them).
  def('header', 'erpPart', 'ERP part number', 'CHAR', '', false),
  def('header', 'erpRevision', 'ERP revision', 'CHAR', '', false),
  def('header', 'erpStatus', 'ERP status', 'CHAR', '', false),
  def('header', 'erpMessage', 'ERP message', 'CHAR', '', false),
  def('plant', 'leadTime', 'Lead time', 'INTEGER', 'days', true),
  def('operation', 'setupTime', 'Set-up time', 'FLOAT', 'min', false),
  def('resource', 'lineSpeed', 'Line speed', 'FLOAT', 'm/min', true),
  def('layer', 'colour', 'Colour', 'CHAR', '', false),
  def('bom', 'BOMitem', 'BOM item', 'CHAR', '', true),
  def('bom', 'BOMdesignAlternative', 'BOM design alternative', 'INTEGER', '', true),
  def('bom', 'quantity', 'Quantity', 'FLOAT', 'm/km', true),
  def('bom', 'scrapPct', 'Scrap', 'FLOAT', '%', false),
];

const attrs = (values: Record<string, string>): StoredAttribute[] => Object.entries(values).map(([name, value]) => ({ name, value }));

type Line = [position: number, item: string, quantity: string];
const op = (operation: number, resourceName: string, lineSpeed: string, layer: number, processName: string, lines: Line[]): StoredOperation => ({
  operation,
  attributes: attrs({ setupTime: '15' }),
  resources: [{ resource: 10, resourceName, attributes: attrs({ lineSpeed }) }],
  layers: [{
    layer,
    processName,
    attributes: [],
    boms: lines.map(([position, item, quantity]) => ({ position, attributes: attrs({ BOMitem: item, BOMdesignAlternative: '0', quantity }) })),
  }],
});

const design = (code: string, version: number, header: Record<string, string>, operations: StoredOperation[], approved = true): StoredDesign => ({
  design: code,
  designAlternative: 0,
  plant: { plant: 'PLANT_A', attributes: attrs({ leadTime: '5' }) },
  header: attrs({ standard: 'BS6004', status: 'Active', outOfDate: '0', ...header }),
  operations,
  versions: Array.from({ length: version + 1 }, (_, v) => ({
    version: v,
    uploaded: 0 as const,
    approved: v === version ? approved : false,
    validationFormulaResult: '',
    createdBy: v === 0 ? 'jsmith' : 'akhan',
    createDateTime: `2024-03-0${1 + (v % 8)} 09:15:02.0`,
  })),
  lastUpdatedBy: 'akhan',
  lastUpdateDateTime: '21-May-2024',
});

export function defaultSeed(): Seed {
  return {
    plants: ['PLANT_A', 'PLANT_B'],
    standards: ['BS6004', 'IEC60502'],
    processTypes: ['LAYUP', 'INSULATE', 'STRAND', 'SHEATH'],
    resourceTypes: ['LAY_A_01', 'EXT_A_01', 'EXT_B_01', 'STR_A_01'],
    attributes: SEED_ATTRIBUTES,
    designs: [
      design('CABLE_A', 3, { description: '4C 1.5mm2 PVC/PVC', cost: '812.50', conductorSize: '1.5' }, [
        op(10, 'LAY_A_01', '60', 10, 'LAYUP', [[10, 'CORE_1', '1020'], [20, 'CORE_2', '1020'], [30, 'CU_WIRE', '1005']]),
        op(20, 'EXT_B_01', '25', 20, 'SHEATH', [[10, 'PVC_ST2', '95.5']]),
      ]),
      // A second alternative of CABLE_A: a heavier sheath, not yet approved.
      { ...design('CABLE_A', 0, { standard: 'IEC60502', description: '4C 1.5mm2 PVC/PVC heavy sheath', status: 'Draft' }, [
        op(10, 'LAY_A_01', '60', 10, 'LAYUP', [[10, 'CORE_1', '1020'], [20, 'CORE_2', '1020']]),
        op(20, 'EXT_B_01', '20', 20, 'SHEATH', [[10, 'PVC_ST2', '140']]),
      ], false), designAlternative: 1 },
      design('CORE_1', 1, { description: 'Core 1.5mm2 brown' }, [op(10, 'EXT_A_01', '300', 10, 'INSULATE', [[10, 'COND_15', '1010'], [20, 'PVC_TI1', '12.4']])]),
      design('CORE_2', 1, { description: 'Core 1.5mm2 blue' }, [op(10, 'EXT_A_01', '300', 10, 'INSULATE', [[10, 'COND_15', '1010'], [20, 'PVC_TI1', '12.4']])]),
      design('COND_15', 0, { description: 'Conductor 1.5mm2 class 5' }, [op(10, 'STR_A_01', '150', 10, 'STRAND', [[10, 'CU_WIRE', '1030']])]),
      design('CU_WIRE', 0, { description: 'Copper wire 0.25mm' }, []),
      design('PVC_TI1', 0, { description: 'PVC insulation compound TI1' }, []),
      design('PVC_ST2', 0, { description: 'PVC sheath compound ST2' }, []),
    ],
  };
}
