import { Controller, Get, Headers, Inject, Param, ParseUUIDPipe, Post, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Roles } from '@petalpost/auth';
import { DomainError } from '@petalpost/contracts';
import { ApiCommand, ApiContent, ApiErrors, CommandRequest, SERVICE_CONFIG } from '@petalpost/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ZodResponse } from 'nestjs-zod';
import type { AttachmentsConfig } from './attachments.config';
import { mayUploadAs } from './attachment-access';
import { AttachmentList, AttachmentView, UPLOAD_BODY_SCHEMA, UploadFieldsSchema } from './attachments.dto';
import { type AttachmentRecord, AttachmentsService, type StoredObject } from './attachments.service';

const viewOf = (record: AttachmentRecord) => ({
  attachmentId: record.id,
  orderId: record.orderId,
  purpose: record.purpose,
  sha256: record.sha256,
  format: record.format,
  width: record.width,
  height: record.height,
  bytes: record.bytes,
  uploadedBy: { role: record.uploaderRole, subject: record.uploader },
  createdAt: record.createdAt.toISOString(),
  url: `/attachments/${record.id}`,
  thumbnailUrl: `/attachments/${record.id}/thumbnail`,
});

/** @fastify/multipart's refusals, in the API's own error shape. */
function multipartRefusal(err: unknown, maxBytes: number): unknown {
  switch ((err as { code?: string }).code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return new DomainError('too_large', 'ATTACHMENT_TOO_LARGE', `the file is larger than ${maxBytes} bytes`, { maxBytes });
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return new DomainError('invalid', 'MULTIPART_REQUIRED', 'send the photo as multipart/form-data with the fields purpose and file');
    case 'FST_FILES_LIMIT':
      return new DomainError('invalid', 'ONE_FILE_PER_UPLOAD', 'send one file per upload');
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
    case 'FST_PROTO_VIOLATION':
      return new DomainError('invalid', 'UNEXPECTED_FIELDS', 'an upload has the fields purpose and file only');
    default:
      return err;
  }
}

/**
 * Photos on an order — chat pictures, the finished arrangement, proof of delivery and damaged bouquets alike: checked by
 * content, stored once per sha256, served without EXIF location to everyone but staff.
 */
@ApiTags('attachments')
@ApiErrors(400, 401, 403, 404, 413)
@Controller()
export class AttachmentsController {
  constructor(
    private readonly attachments: AttachmentsService,
    @Inject(SERVICE_CONFIG) private readonly config: AttachmentsConfig,
  ) {}

  @Post('orders/:orderId/attachments')
  @Roles('staff', 'florist', 'dispatcher', 'rider', 'operator')
  @ApiCommand('Attach a photo to an order (multipart: purpose, file). Refused uploads store nothing.')
  @ApiErrors(409)
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: UPLOAD_BODY_SCHEMA })
  @ZodResponse({ status: 201, type: AttachmentView })
  async upload(@Param('orderId', ParseUUIDPipe) orderId: string, @CommandRequest() command: CommandRequest, @Req() request: FastifyRequest) {
    const { principal } = command;
    // Who may attach is settled before a byte of the body is read.
    const order = await this.attachments.assertMayUpload(principal, orderId);
    const maxBytes = this.config.MESSAGING_ATTACHMENT_MAX_BYTES;
    const fields: Record<string, string> = {};
    let file: Buffer | undefined;
    try {
      for await (const part of request.parts({ limits: { fileSize: maxBytes, files: 1, fields: 4, parts: 5, fieldSize: 1024 } })) {
        if (part.type === 'file') {
          if (part.fieldname !== 'file') throw new DomainError('invalid', 'UNEXPECTED_FIELDS', `the photo goes in the field "file", not "${part.fieldname}"`);
          file = await part.toBuffer();
        } else {
          fields[part.fieldname] = String(part.value);
        }
      }
    } catch (err) {
      throw multipartRefusal(err, maxBytes);
    }
    const parsed = UploadFieldsSchema.safeParse(fields);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message, code: i.code }));
      throw new DomainError('invalid', 'VALIDATION_FAILED', issues.map((i) => `${i.path || '(form)'}: ${i.message}`).join('; '), { issues });
    }
    if (!file) throw new DomainError('invalid', 'FILE_REQUIRED', 'the form has no file: send the photo in the field "file"');
    const { purpose } = parsed.data;
    if (!mayUploadAs(principal, purpose)) {
      throw new DomainError('forbidden', 'PURPOSE_NOT_ALLOWED', `a ${principal.role} may not upload a photo as ${purpose}`, { purpose });
    }
    const { record, replayed } = await this.attachments.upload(principal, order, purpose, file, command.idempotencyKey);
    if (replayed) void command.reply.header('idempotent-replayed', 'true');
    return viewOf(record);
  }

  @Get('orders/:orderId/attachments')
  @Roles('staff', 'florist', 'dispatcher', 'rider', 'operator', 'customer')
  @ApiOperation({ summary: "An order's photos the caller may see, oldest first" })
  @ZodResponse({ status: 200, type: AttachmentList })
  async list(@Param('orderId', ParseUUIDPipe) orderId: string, @CurrentPrincipal() principal: Principal) {
    return { attachments: (await this.attachments.listForOrder(principal, orderId)).map(viewOf) };
  }

  @Get('attachments/:id')
  @Roles('staff', 'florist', 'dispatcher', 'rider', 'operator', 'customer')
  @ApiOperation({ summary: 'The photo: the original with its EXIF for staff, re-encoded without metadata for everyone else' })
  @ApiContent(200, 'The photo', { 'image/jpeg': {}, 'image/png': {}, 'image/webp': {} })
  @ApiResponse({ status: 304, description: 'Unchanged since the ETag sent in If-None-Match' })
  async photo(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return serve(await this.attachments.open(principal, id, 'photo'), ifNoneMatch, reply);
  }

  @Get('attachments/:id/thumbnail')
  @Roles('staff', 'florist', 'dispatcher', 'rider', 'operator', 'customer')
  @ApiOperation({ summary: `The photo's thumbnail: WebP, at most 320 px on its longer side, without metadata` })
  @ApiContent(200, 'The thumbnail', { 'image/webp': {} })
  @ApiResponse({ status: 304, description: 'Unchanged since the ETag sent in If-None-Match' })
  async thumbnail(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return serve(await this.attachments.open(principal, id, 'thumbnail'), ifNoneMatch, reply);
  }
}

/** Content-addressed bytes never change: cache them for good, privately, since what one sees depends on one's role. */
function serve(object: StoredObject, ifNoneMatch: string | undefined, reply: FastifyReply): StreamableFile | undefined {
  void reply.header('etag', object.etag).header('cache-control', 'private, max-age=31536000, immutable').header('vary', 'Authorization');
  if (ifNoneMatch?.split(',').some((tag) => tag.trim() === object.etag)) {
    object.stream.destroy();
    void reply.status(304);
    return undefined;
  }
  return new StreamableFile(object.stream, { type: object.contentType });
}
