import { Controller, Get, Module, Param } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiOperation, ApiSecurity, type OpenAPIObject } from '@nestjs/swagger';
import { Public } from '@petalpost/auth';
import { ZodResponse } from 'nestjs-zod';
import { z } from 'zod';
import { ApiErrors } from './error-body';
import { BEARER_SCHEME, openApiDocument } from './openapi';
import { createZodDto } from './zod-dto';

class ThingPage extends createZodDto(
  z.object({
    items: z.array(z.object({ name: z.string(), note: z.string().nullable() })),
    nextCursor: z.string().nullable().describe('null on the last page'),
    total: z.union([z.number(), z.string()]),
  }),
) {}

@Controller('things')
class ThingsController {
  @Get()
  @ApiOperation({ summary: 'Things, a page at a time' })
  @ApiErrors(400, 401)
  @ZodResponse({ status: 200, type: ThingPage })
  list() {
    return { items: [], nextCursor: null, total: 0 };
  }

  @Get(':thingId/open')
  @Public()
  @ApiOperation({ summary: 'A thing anyone may see' })
  @ApiErrors(404)
  open(@Param('thingId') thingId: string) {
    return { thingId };
  }

  @Get('stream')
  @Public()
  @ApiSecurity(BEARER_SCHEME)
  @ApiSecurity('accessToken')
  @ApiOperation({ summary: 'Things as they change, with the token in the header or the query' })
  stream() {
    return [];
  }
}

@Module({ controllers: [ThingsController] })
class ThingsModule {}

describe('openApiDocument', () => {
  let app: NestFastifyApplication;
  let document: OpenAPIObject;

  beforeAll(async () => {
    app = await NestFactory.create<NestFastifyApplication>(ThingsModule, new FastifyAdapter(), { logger: false });
    document = openApiDocument(app, {
      name: 'things',
      title: 'Things',
      description: 'A service of things',
      securitySchemes: { accessToken: { type: 'apiKey', in: 'query', name: 'access_token' } },
    });
  });

  afterAll(() => app.close());

  it('is OpenAPI 3.1, served from its own origin, and asks every operation for a bearer token by default', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.servers).toEqual([{ url: '/', description: expect.stringContaining('things') }]);
    expect(document.security).toEqual([{ bearer: [] }]);
    expect(document.components?.securitySchemes).toEqual({
      bearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      accessToken: { type: 'apiKey', in: 'query', name: 'access_token' },
    });
    expect(document.paths['/things'].get?.security).toBeUndefined();
  });

  it('marks a @Public() operation as needing no token, unless it names the schemes it takes', () => {
    expect(document.paths['/things/{thingId}/open'].get?.security).toEqual([]);
    expect(document.paths['/things/stream'].get?.security).toEqual([{ accessToken: [] }, { bearer: [] }]);
    expect(JSON.stringify(document)).not.toContain('x-petalpost-public');
  });

  it('documents every error answer as a reference to the one error body under components', () => {
    const errors = [document.paths['/things'].get?.responses['400'], document.paths['/things/{thingId}/open'].get?.responses['404']];
    for (const error of errors) expect(error).toMatchObject({ content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody_Output' } } } });
    expect(document.components?.schemas?.ErrorBody_Output).toMatchObject({ type: 'object', required: ['code', 'message', 'correlationId'] });
  });

  it('keeps a nullable or union field of a DTO what it is, not an array (nestjs-zod issue 473)', () => {
    const page = document.components?.schemas?.ThingPage_Output as { properties: Record<string, unknown> };
    expect(page.properties.nextCursor).toEqual({ description: 'null on the last page', anyOf: [{ type: 'string' }, { type: 'null' }] });
    expect(page.properties.total).toEqual({ anyOf: [{ type: 'number' }, { type: 'string' }] });
    expect(page.properties.items).toMatchObject({ type: 'array', items: { properties: { note: { type: ['string', 'null'] } } } });
  });

  it('names operations by controller and method', () => {
    expect(document.paths['/things'].get?.operationId).toBe('things_list');
    expect(document.paths['/things/{thingId}/open'].get?.operationId).toBe('things_open');
  });
});
