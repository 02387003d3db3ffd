import { applyDecorators, HttpException, HttpStatus } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { DomainError, ErrorBodySchema, type ErrorKind } from '@petalpost/contracts';
import { ZodValidationException } from 'nestjs-zod';
import type { ZodError } from 'zod';
import { createZodDto } from './zod-dto';

/** The one error body, once under the document's components (`ErrorBody_Output`), referenced by every error answer. */
export class ErrorBody extends createZodDto(ErrorBodySchema) {}

const STATUS_OF_KIND: Record<ErrorKind, number> = {
  invalid: HttpStatus.BAD_REQUEST,
  unauthenticated: HttpStatus.UNAUTHORIZED,
  forbidden: HttpStatus.FORBIDDEN,
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  precondition_failed: HttpStatus.PRECONDITION_FAILED,
  too_large: HttpStatus.PAYLOAD_TOO_LARGE,
  too_many: HttpStatus.TOO_MANY_REQUESTS,
};

const CODE_OF_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  412: 'PRECONDITION_FAILED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
  500: 'INTERNAL_ERROR',
  503: 'UNAVAILABLE',
};

/**
 * Turns anything thrown while handling a request into the one error body of the API
 * ({ code, message, correlationId, details? }) and its status. Unknown errors become a 500
 * that reveals nothing of their internals.
 */
export function toErrorResponse(error: unknown, correlationId: string): { status: number; body: ErrorBody } {
  if (error instanceof DomainError) {
    return { status: STATUS_OF_KIND[error.kind], body: { code: error.code, message: error.message, correlationId, details: error.details } };
  }
  if (error instanceof ZodValidationException) {
    const zodError = error.getZodError() as ZodError;
    const issues = zodError.issues.map((i) => ({ path: i.path.join('.'), message: i.message, code: i.code }));
    return {
      status: HttpStatus.BAD_REQUEST,
      body: { code: 'VALIDATION_FAILED', message: issues.map((i) => `${i.path || '(body)'}: ${i.message}`).join('; '), correlationId, details: { issues } },
    };
  }
  // Nest turns Fastify's own refusals (body too large, media type, route not found) into these.
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const message = typeof response === 'string' ? response : String((response as { message?: unknown }).message ?? error.message);
    return { status, body: { code: CODE_OF_STATUS[status] ?? `HTTP_${status}`, message, correlationId } };
  }
  return { status: HttpStatus.INTERNAL_SERVER_ERROR, body: { code: 'INTERNAL_ERROR', message: 'internal error', correlationId } };
}

const ERROR_MEANING: Record<number, string> = {
  400: 'The request is invalid: `details` lists each problem',
  401: 'No valid bearer token',
  403: 'Your role may not do this',
  404: 'Not found, or not yours to see',
  409: 'Refused in the current state: `details` carries the current status and state',
  410: 'Gone: the link has expired',
  412: 'If-Match names a version that is no longer current',
  413: 'The body is larger than the service accepts',
  415: 'The body is not JSON',
  429: 'Too many requests: wait the seconds `Retry-After` names',
  503: 'Not ready: the database or a processor is down',
};

/** Documents the error answers of a route (or of every route of a controller), all in the one error shape. */
export const ApiErrors = (...statuses: Array<keyof typeof ERROR_MEANING>) =>
  applyDecorators(...statuses.map((status) => ApiResponse({ status, description: ERROR_MEANING[status], type: ErrorBody.Output })));
