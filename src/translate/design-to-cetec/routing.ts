/**
 * A design's operations and resources → Cetec routing locations. Each resource of an operation
 * (operation > 0) becomes one location, by the mapping table resourceName → location external key,
 * ordered by operation then resource number; `build_order` counts from 1. Operation 0 holds things
 * tied to no routing step and yields no location.
 */
import type { CetecLocation, CetecOperation } from '../../systems/cetec/schemas.ts';
import type { PlanWarning } from '../plan.ts';
import type { CommonDesign } from '../../systems/cablebuilder/schemas.ts';
import type { DesignTranslationOptions } from './options.ts';
import type { ProblemList } from './errors.ts';

export function toRouting(
  design: CommonDesign,
  options: DesignTranslationOptions,
  problems: ProblemList,
  warnings: PlanWarning[],
  where: string,
): CetecLocation[] {
  const operations = [...(design.operations ?? [])].sort((a, b) => (a.operation ?? 0) - (b.operation ?? 0));
  const locations: CetecLocation[] = [];
  let placeInLine = 0;
  for (const operation of operations) {
    const number = operation.operation;
    const at = `${where} › operation ${number ?? '?'}`;
    if (typeof number !== 'number' || number < 0) {
      problems.add('routing.operation-invalid', at, 'operation must be an integer of 0 or more');
      continue;
    }
    if (number === 0) continue;
    const resources = [...(operation.resources ?? [])].sort((a, b) => (a.resource ?? 0) - (b.resource ?? 0));
    if (resources.length === 0) {
      warnings.push({ code: 'routing.operation-without-resource', message: `${at}: no resource, so no routing location` });
      continue;
    }
    const instructions = (operation.layers ?? [])
      .filter((l) => typeof l.layer === 'number')
      .sort((a, b) => (a.layer ?? 0) - (b.layer ?? 0))
      .map((l) => ({ instruction: `${l.processName ?? 'layer'} (layer ${l.layer})` }));
    for (const resource of resources) {
      const name = resource.resourceName ?? '';
      const rat = `${at} › resource ${resource.resource ?? '?'} ${name}`.trimEnd();
      const key = options.resourceLocations[name] ?? options.defaultLocation;
      if (name === '' || key === null) {
        problems.add(
          'routing.resource-unmapped',
          rat,
          name === '' ? 'resource has no resourceName' : `resource ${JSON.stringify(name)} has no Cetec location in cablebuilder.translation.resourceLocations (and no defaultLocation)`,
        );
        continue;
      }
      const location: CetecLocation = { location_external_key: key, build_order: locations.length + 1 };
      if (options.operationExternalKey !== null) {
        placeInLine += 1;
        const op: CetecOperation = {
          operation_external_key: options.operationExternalKey,
          repetitions: 1,
          setup: false,
          place_in_line: placeInLine,
          instructions,
        };
        location.operations = [op];
      }
      locations.push(location);
    }
  }
  return locations;
}
