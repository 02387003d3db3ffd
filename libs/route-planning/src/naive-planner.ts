import type { Plan, PlanningOptions, PlanRoutes, Route, TravelTimes, UnassignedStop, VrptwInstance } from './vrptw';

/**
 * The baseline: dispatch without planning. Orders are taken in the order they arrived (the
 * order of `instance.stops`), each on a trip of its own, by the nearest free rider: the one who
 * can be at the door first, leaving the shop when free (or later, so as to arrive as the window
 * opens). It delivers late rather than refuse; lateness shows in the on-time share.
 */
export const planNaively: PlanRoutes = <L>(instance: VrptwInstance<L>, travel: TravelTimes<L>, _options: PlanningOptions): Plan => {
  const { depot, vehicles } = instance;
  const freeAt = vehicles.map((v) => v.shift.ready);
  const routes: Route[] = vehicles.map((v) => ({ vehicleId: v.id, trips: [], distance: 0 }));
  const unassigned: UnassignedStop[] = [];
  const at = (time: number) => ({ earliest: time, latest: time });

  for (const stop of instance.stops) {
    let chosen: { vehicle: number; leave: number; arrival: number; start: number; back: number } | undefined;
    vehicles.forEach((vehicle, i) => {
      if (vehicle.capacity < stop.demand || routes[i].trips.length >= vehicle.maxTrips) return;
      const out = travel.duration(depot, stop.location, vehicle.profile, at(freeAt[i]));
      const leave = Math.max(freeAt[i], stop.window.ready - out);
      const arrival = leave + travel.duration(depot, stop.location, vehicle.profile, at(leave));
      const start = Math.max(arrival, stop.window.ready);
      const done = start + stop.serviceTime;
      const back = done + travel.duration(stop.location, depot, vehicle.profile, at(done));
      if (back > vehicle.shift.due) return;
      if (!chosen || start < chosen.start) chosen = { vehicle: i, leave, arrival, start, back };
    });
    if (!chosen) {
      const fits = vehicles.some((v) => v.capacity >= stop.demand);
      unassigned.push({ stopId: stop.id, reason: fits ? 'no-vehicle-left' : 'demand-exceeds-every-capacity' });
      continue;
    }
    const distance = travel.distance(depot, stop.location) + travel.distance(stop.location, depot);
    const route = routes[chosen.vehicle];
    route.trips.push({
      leaveDepot: chosen.leave,
      backAtDepot: chosen.back,
      load: stop.demand,
      distance,
      stops: [{ stopId: stop.id, arrival: chosen.arrival, start: chosen.start, departure: chosen.start + stop.serviceTime }],
    });
    route.distance += distance;
    freeAt[chosen.vehicle] = chosen.back;
  }
  const used = routes.filter((r) => r.trips.length > 0);
  return { routes: used, unassigned, distance: used.reduce((sum, r) => sum + r.distance, 0) };
};
