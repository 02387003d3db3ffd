import { Module } from '@nestjs/common';

/** Demand history: order volume by hour of week and area, and a forecast of riders needed. */
@Module({})
export class DemandModule {}

/** The demand read model's migrations, in order. */
export const demandMigrations: Array<new () => object> = [];
