import { Writable } from 'node:stream';
import { Controller, Get, Module } from '@nestjs/common';
import { APP_FILTER, NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ErrorFilter } from './error.filter';
import { createLogger } from './logger';

const secret = 'eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiY3VzdG9tZXIifQ.c2VjcmV0LXNpZ25hdHVyZQ';
const querySecret = 'query-secret-b1f7c2a9';

@Controller('track')
class FailingController {
  @Get(':token')
  page(): never {
    throw new Error('the database went away');
  }
}

/** The error filter in a real Nest app over Fastify, its log lines captured. */
describe('the error filter', () => {
  const lines: string[] = [];
  let app: NestFastifyApplication;

  beforeAll(async () => {
    const logger = createLogger('test', 'info', new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }));
    @Module({ controllers: [FailingController], providers: [{ provide: APP_FILTER, useValue: new ErrorFilter(logger) }] })
    class FailingModule {}
    app = await NestFactory.create<NestFastifyApplication>(FailingModule, new FastifyAdapter(), { logger: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('logs a server error’s URL without the tokens in its path and query', async () => {
    const response = await app.inject({ method: 'GET', url: `/track/${secret}?access_token=${querySecret}&lang=en` });
    expect(response.statusCode).toBe(500);
    const logged = lines.filter((line) => line.includes('request failed'));
    expect(logged).toHaveLength(1);
    expect(JSON.parse(logged[0]).url).toBe('/track/[redacted]?access_token=[redacted]&lang=en');
    expect(logged[0]).not.toContain(secret);
    expect(logged[0]).not.toContain(querySecret);
  });
});
