import { Controller, Get, type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';

/**
 * Nest's own hello world for the HTTP benchmark: one controller returning `{"hello":"world"}` on
 * the adapter named by the first argument (`fastify` or `express`), with Nest's defaults — no
 * pipes, guards or request logging. Runs in a process of its own and tells its port over IPC.
 */
@Controller()
class HelloController {
  @Get('hello')
  hello(): { hello: string } {
    return { hello: 'world' };
  }
}

@Module({ controllers: [HelloController] })
class HelloModule {}

async function main(): Promise<void> {
  const adapterName = process.argv[2];
  if (adapterName !== 'fastify' && adapterName !== 'express') throw new Error(`adapter must be fastify or express, not ${adapterName}`);
  const adapter = adapterName === 'fastify' ? new FastifyAdapter() : new ExpressAdapter();
  const app: INestApplication = await NestFactory.create(HelloModule, adapter, { logger: ['error', 'warn'] });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
  process.on('disconnect', () => void app.close().finally(() => process.exit(0)));
}

main().catch((err: unknown) => {
  process.stderr.write(`nest-hello failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
