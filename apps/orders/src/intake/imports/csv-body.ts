import { Injectable, type OnModuleInit, UnsupportedMediaTypeException } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';

/** The one route that takes a CSV body. */
export const CSV_UPLOAD_ROUTE = '/intake/imports';

/**
 * Lets the CSV upload route read its body as a stream: the service parses JSON only, and Fastify
 * would otherwise buffer a body whole. Every other route refuses text/csv with 415, as it refuses
 * any media type but JSON.
 */
@Injectable()
export class CsvBodyParser implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    fastify.addContentTypeParser(['text/csv', 'application/csv'], (request, payload, done) => {
      if (request.routeOptions.url !== CSV_UPLOAD_ROUTE || request.method !== 'POST') {
        payload.resume();
        done(new UnsupportedMediaTypeException('this route takes JSON'), undefined);
        return;
      }
      // The upload streams it to storage, counting bytes against its own limit.
      done(null, payload);
    });
  }
}
