import fastifyMultipart from '@fastify/multipart';
import { Inject, Module, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { SERVICE_CONFIG } from '@petalpost/platform';
import type { FastifyInstance } from 'fastify';
import type { AttachmentsConfig } from './attachments.config';
import { AttachmentsController } from './attachments.controller';
import { AttachmentsService } from './attachments.service';
import { openStorage } from './storage/open-storage';
import { STORAGE, type StoragePort } from './storage/storage.port';

/** Photos on orders. Storage: local disk (MESSAGING_STORAGE_DIR) or an S3-compatible bucket (MESSAGING_S3_*). */
@Module({
  controllers: [AttachmentsController],
  // Exception reports check their photos against the uploads.
  exports: [AttachmentsService],
  providers: [
    AttachmentsService,
    {
      provide: STORAGE,
      inject: [SERVICE_CONFIG],
      useFactory: (config: AttachmentsConfig) => openStorage(config),
    },
  ],
})
export class AttachmentsModule implements OnModuleInit, OnModuleDestroy {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(SERVICE_CONFIG) private readonly config: AttachmentsConfig,
    @Inject(STORAGE) private readonly storage: StoragePort,
  ) {}

  /**
   * Multipart parsing for this service only, registered on its Fastify instance before it
   * starts listening. Every limit is enforced per route in the controller; these are ceilings.
   */
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    void fastify.register(fastifyMultipart, { limits: { fileSize: this.config.MESSAGING_ATTACHMENT_MAX_BYTES, files: 1, parts: 5 } });
  }

  onModuleDestroy(): void {
    this.storage.close?.();
  }
}
