import { Module } from '@nestjs/common';
import { JwksController } from './api/jwks.controller';
import { SigningKeysController } from './api/signing-keys.controller';
import { keyRotationTask } from './key-rotation.task';
import { SigningKeys } from './signing-keys';

/** The access tokens' signing keys: stored sealed, rotated on schedule, published as JWKS. */
@Module({
  controllers: [JwksController, SigningKeysController],
  providers: [SigningKeys, keyRotationTask],
  exports: [SigningKeys],
})
export class KeysModule {}
