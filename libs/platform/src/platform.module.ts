import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthGuard, TokenVerifier } from '@petalpost/auth';
import type { Logger } from 'pino';
import { type ServiceConfig, trustedKeysOf } from './config';
import { type DatabaseOptions, dataSourceOptions, openDataSource } from './database';
import { ErrorFilter } from './error.filter';
import { HealthController } from './health.controller';
import { PgListener } from './pg-listener';
import { ProcessorRegistry } from './processors';

/** Injection tokens for what every service boots with. */
export const LOGGER = Symbol('LOGGER');
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');

export interface PlatformOptions {
  config: ServiceConfig;
  logger: Logger;
  database: Omit<DatabaseOptions, 'url'>;
}

/**
 * What every service boots with: config, logger, database and migrations, authentication on
 * every route, the error filter, health and readiness, and the one LISTEN connection (opened only
 * when something subscribes).
 */
@Global()
@Module({})
export class PlatformModule {
  static forService({ config, logger, database }: PlatformOptions): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        TerminusModule.forRoot({ logger: false }),
        TypeOrmModule.forRootAsync({
          useFactory: () => dataSourceOptions({ ...database, url: config.DATABASE_URL }),
          dataSourceFactory: () => openDataSource({ ...database, url: config.DATABASE_URL }),
        }),
      ],
      controllers: [HealthController],
      providers: [
        { provide: SERVICE_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: TokenVerifier, useValue: new TokenVerifier(trustedKeysOf(config)) },
        ProcessorRegistry,
        {
          provide: PgListener,
          inject: [ProcessorRegistry],
          useFactory: (registry: ProcessorRegistry) =>
            new PgListener({ connectionString: config.DATABASE_URL, applicationName: `petalpost-${database.schema}-listen`, logger, registry }),
        },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useValue: new ErrorFilter(logger) },
      ],
      exports: [SERVICE_CONFIG, LOGGER, TokenVerifier, ProcessorRegistry, PgListener],
    };
  }
}
