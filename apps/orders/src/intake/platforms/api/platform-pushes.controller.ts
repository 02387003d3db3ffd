import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiDefaultResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Public } from '@petalpost/auth';
import { ApiErrors } from '@petalpost/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CHINA_PLATFORMS } from '../platform-connector';
import { type IncomingPush, PushReceiver } from '../push-receiver.service';

const platformParam = { name: 'platform', enum: [...CHINA_PLATFORMS], description: 'The platform the push comes from' } as const;
const connectionParam = { name: 'connectionId', description: 'The connection the shop made (its callback URL names it)' } as const;
const pushTypeParam = { name: 'pushType', description: 'Meituan: the push this URL takes (one URL per push type, see the connection’s callbackUrls)' } as const;
/** Each platform reads only its own shape: JSON, plain text or XML, as its connector writes it. */
const platformShape = { 'application/json': { schema: {} }, 'text/plain': { schema: { type: 'string' } }, 'application/xml': { schema: { type: 'string' } } };
const answered = {
  description:
    'Stored (or stored already: a replay), or ignored: the platform’s own answer, as it expects it (Meituan `{"data":"ok"}`, an Ele.me signed envelope, WeChat `success`; docs/intake.md)',
  content: platformShape,
};
const refused = {
  description:
    'A forged push, or one for a shop not connected here: refused in the platform’s own shape, with the status its connector gives, and nothing stored. A platform or push type no connector takes: 404 with our error body',
  content: platformShape,
};

/**
 * Where Meituan, Ele.me, Youzan and WeChat Store push orders. Public: a push is authenticated by
 * its platform's signature alone (over the exact bytes and the registered URL, kept raw by
 * intake-http.ts). The answer is the connector's, written as it is: each platform reads only its
 * own shape, so a refusal is not our error body.
 */
@ApiTags('intake')
@ApiErrors(413)
@Controller('intake')
export class PlatformPushesController {
  constructor(private readonly receiver: PushReceiver) {}

  @Post('pushes/:platform/:connectionId')
  @Public()
  @ApiOperation({ summary: 'A Chinese platform’s push (Ele.me, Youzan, WeChat Store: every push here), verified by the platform’s signature' })
  @ApiParam(platformParam)
  @ApiParam(connectionParam)
  @ApiOkResponse(answered)
  @ApiDefaultResponse(refused)
  async push(@Param('platform') platform: string, @Param('connectionId') connectionId: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.answer(platform, connectionId, undefined, request, reply);
  }

  @Post('pushes/:platform/:connectionId/:pushType')
  @Public()
  @ApiOperation({ summary: 'A Meituan push of one type (paid, cancelled, refunded, reminder, …), verified by `sig` over the registered URL' })
  @ApiParam(platformParam)
  @ApiParam(connectionParam)
  @ApiParam(pushTypeParam)
  @ApiOkResponse(answered)
  @ApiDefaultResponse(refused)
  async pushOfType(
    @Param('platform') platform: string,
    @Param('connectionId') connectionId: string,
    @Param('pushType') pushType: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    await this.answer(platform, connectionId, pushType, request, reply);
  }

  @Get('pushes/:platform/:connectionId')
  @Public()
  @ApiOperation({ summary: 'A platform’s probe or GET push of a callback URL (WeChat’s URL check, Meituan’s probes), answered in its shape' })
  @ApiParam(platformParam)
  @ApiParam(connectionParam)
  @ApiOkResponse(answered)
  @ApiDefaultResponse(refused)
  async probe(@Param('platform') platform: string, @Param('connectionId') connectionId: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.answer(platform, connectionId, undefined, request, reply);
  }

  @Get('pushes/:platform/:connectionId/:pushType')
  @Public()
  @ApiOperation({ summary: 'A platform’s probe or GET push of a per-type callback URL (Meituan), answered in its shape' })
  @ApiParam(platformParam)
  @ApiParam(connectionParam)
  @ApiParam(pushTypeParam)
  @ApiOkResponse(answered)
  @ApiDefaultResponse(refused)
  async probeOfType(
    @Param('platform') platform: string,
    @Param('connectionId') connectionId: string,
    @Param('pushType') pushType: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    await this.answer(platform, connectionId, pushType, request, reply);
  }

  private async answer(platform: string, connectionId: string, pushType: string | undefined, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const push: IncomingPush = {
      method: request.method === 'GET' ? 'GET' : 'POST',
      ...(pushType !== undefined ? { pushType } : {}),
      headers: request.headers,
      query: firstValues(request.query),
      rawBody: request.rawBody ?? Buffer.alloc(0),
    };
    const { answer } = await this.receiver.receive(platform, connectionId, push);
    // Written as the connector made it: bytes, so neither the body is re-encoded nor a charset added to its type.
    await reply.status(answer.status).header('content-type', answer.contentType).send(Buffer.from(answer.body, 'utf8'));
  }
}

/** The query's parameters, decoded once by Fastify; a repeated one counts by its first value. */
function firstValues(query: unknown): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') values[name] = first;
  }
  return values;
}
