import { Global, Module } from '@nestjs/common';
import { RiderPositions } from './rider-positions';

/** Rider positions for every part of the service that shows them: one reader per replica. */
@Global()
@Module({ providers: [RiderPositions], exports: [RiderPositions] })
export class PositionsModule {}
