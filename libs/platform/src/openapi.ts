import { applyDecorators, type INestApplication, type Type } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiResponse,
  DocumentBuilder,
  getSchemaPath,
  type OpenAPIObject,
  type SchemaObject,
  type SecuritySchemeObject,
  SwaggerModule,
} from '@nestjs/swagger';
import { PUBLIC_OPERATION } from '@petalpost/auth';
import { cleanupOpenApiDoc } from 'nestjs-zod';

/** What a service's OpenAPI document says about the service itself. */
export interface ApiDescription {
  name: string;
  title: string;
  description: string;
  /** Ways to send a token other than the bearer header, named by the routes that take them (`@ApiSecurity(name)`). */
  securitySchemes?: Record<string, SecuritySchemeObject>;
}

export const BEARER_SCHEME = 'bearer';

/**
 * The service's OpenAPI document, 3.1: its schema dialect is JSON Schema 2020-12, which is what
 * zod writes, so the DTOs' schemas go in unconverted (docs/contracts.md, "HTTP contracts"). Every
 * operation needs a bearer token unless its route is @Public(); DTOs are components, referenced.
 */
export function openApiDocument(app: INestApplication, api: ApiDescription): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle(api.title)
    .setDescription(api.description)
    .setVersion('1')
    .addServer('/', `The ${api.name} service, at the origin that serves this document`)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token: role, subject and shop' }, BEARER_SCHEME)
    .addSecurityRequirements(BEARER_SCHEME);
  for (const [name, scheme] of Object.entries(api.securitySchemes ?? {})) builder.addSecurity(name, scheme);
  const document = SwaggerModule.createDocument(app, builder.build(), { operationIdFactory });
  return cleanupOpenApiDoc(withPublicOperations(document), { version: '3.1' });
}

/** `orders_place`, `health_live`: the controller (without "Controller") and the method, unique within a service. */
export function operationIdFactory(controller: string, method: string): string {
  const name = controller.replace(/Controller$/, '');
  return `${name.charAt(0).toLowerCase()}${name.slice(1)}_${method}`;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** A @Public() operation needs no token (`security: []`), unless it names the schemes it does take. */
function withPublicOperations(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method] as (Record<string, unknown> & { security?: unknown[] }) | undefined;
      if (!operation?.[PUBLIC_OPERATION]) continue;
      delete operation[PUBLIC_OPERATION];
      operation.security ??= [];
    }
  }
  return document;
}

/** A DTO from createZodDto: the answer is documented as its output schema. */
interface ResponseDto {
  readonly Output: Type;
}

/**
 * A success answer in media types other than (or besides) JSON: a page, a stream, a photo, CSV.
 * Each media type gets a DTO (its output schema) or a schema; error answers stay the JSON error body.
 */
export function ApiContent(status: number, description: string, media: Record<string, ResponseDto | SchemaObject>) {
  const isDto = (body: ResponseDto | SchemaObject): body is ResponseDto => typeof body === 'function';
  const dtos = Object.values(media).filter(isDto);
  return applyDecorators(
    ApiExtraModels(...dtos.map((dto) => dto.Output)),
    ApiResponse({
      status,
      description,
      content: Object.fromEntries(Object.entries(media).map(([type, body]) => [type, { schema: isDto(body) ? { $ref: getSchemaPath(body.Output) } : body }])),
    }),
  );
}
