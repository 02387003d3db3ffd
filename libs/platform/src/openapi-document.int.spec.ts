import { Controller, Get, Inject, Module } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { serviceOpenApiDocument } from './openapi-document';
import { serviceConfigSchemaFor } from './config';

const DATABASE = Symbol('database');
let databaseConnections = 0;

@Controller('bouquets')
class BouquetsController {
  constructor(@Inject(DATABASE) private readonly database: unknown) {}

  @Get()
  @ApiOperation({ summary: 'The bouquets of the day' })
  list(): unknown {
    return this.database;
  }
}

@Module({
  controllers: [BouquetsController],
  providers: [{ provide: DATABASE, useFactory: () => ++databaseConnections }],
})
class BouquetsModule {}

describe('serviceOpenApiDocument', () => {
  it('returns the document the service serves at /docs/json, connecting to nothing', async () => {
    const document = (await serviceOpenApiDocument({
      name: 'bouquets',
      title: 'Bouquets',
      description: 'A service of one route',
      configSchema: serviceConfigSchemaFor('bouquets'),
      module: () => ({ module: BouquetsModule }),
    })) as { info: { title: string }; paths: Record<string, { get?: { summary?: string } }> };

    expect(document.info.title).toBe('Bouquets');
    expect(document.paths['/bouquets'].get?.summary).toBe('The bouquets of the day');
    expect(databaseConnections).toBe(0);
  });
});
