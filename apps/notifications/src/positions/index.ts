// The positions slice's entry point: the live rider positions, read by the inbox and the tracking page.
export { PositionsModule } from './positions.module';
export { RiderPositions } from './rider-positions';
