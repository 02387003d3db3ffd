import type { PlanarPoint } from './travel-times';
import type { VrptwInstance } from './vrptw';

/**
 * Solomon's VRPTW text format: a name, the vehicle count and capacity, then one row per node
 * (`id x y demand ready due service`), the depot first. Rows are split on whitespace, not read
 * by column, since copies differ in spacing (and in CRLF line ends).
 */
export interface SolomonInstance {
  name: string;
  vehicles: number;
  capacity: number;
  /** Row 0 is the depot; its due time is the horizon. */
  rows: SolomonRow[];
}

export interface SolomonRow {
  id: number;
  x: number;
  y: number;
  demand: number;
  ready: number;
  due: number;
  service: number;
}

export function parseSolomon(text: string): SolomonInstance {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const name = lines.find((l) => l.length > 0);
  if (!name) throw new Error('Solomon instance: empty text');
  const fleetHeader = lines.findIndex((l) => /^NUMBER\s+CAPACITY$/i.test(l));
  const fleet = lines.slice(fleetHeader + 1).find((l) => l.length > 0);
  const [vehicles, capacity] = (fleet ?? '').split(/\s+/).map(Number);
  if (fleetHeader < 0 || !Number.isFinite(vehicles) || !Number.isFinite(capacity))
    throw new Error('Solomon instance: no "NUMBER CAPACITY" line followed by two numbers');

  const customerHeader = lines.findIndex((l) => /^CUST\s+NO\./i.test(l));
  if (customerHeader < 0) throw new Error('Solomon instance: no "CUST NO." header');
  const rows: SolomonRow[] = [];
  for (const line of lines.slice(customerHeader + 1)) {
    if (line.length === 0) continue;
    const fields = line.split(/\s+/).map(Number);
    if (fields.length !== 7 || fields.some((f) => !Number.isFinite(f))) {
      if (/^EOF$/i.test(line)) break;
      throw new Error(`Solomon instance: row "${line}" is not 7 numbers`);
    }
    const [id, x, y, demand, ready, due, service] = fields;
    rows.push({ id, x, y, demand, ready, due, service });
  }
  rows.forEach((r, i) => {
    if (r.id !== i) throw new Error(`Solomon instance: row ${i} has id ${r.id}`);
  });
  return { name, vehicles, capacity, rows };
}

/** Customers become stops `"1"`…`"100"`; the fleet is `vehicles` alike, one trip each, shift = the depot's window. */
export function solomonToVrptw(instance: SolomonInstance): VrptwInstance<PlanarPoint> {
  const [depot, ...customers] = instance.rows;
  const shift = { ready: depot.ready, due: depot.due };
  return {
    name: instance.name,
    depot: { x: depot.x, y: depot.y },
    stops: customers.map((r) => ({
      id: String(r.id),
      location: { x: r.x, y: r.y },
      demand: r.demand,
      window: { ready: r.ready, due: r.due },
      serviceTime: r.service,
    })),
    vehicles: Array.from({ length: instance.vehicles }, (_, i) => ({ id: `v${i + 1}`, capacity: instance.capacity, profile: 'unit', shift, maxTrips: 1 })),
  };
}
