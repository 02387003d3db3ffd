import { ConfigError } from '@petalpost/platform';
import type { AttachmentsConfig } from '../attachments.config';
import { LocalDiskStorage } from './local-disk.storage';
import { S3Storage } from './s3.storage';
import type { StoragePort } from './storage.port';

/** The configured storage, opened; a half-configured S3 fails boot with the variables to fix. */
export async function openStorage(config: AttachmentsConfig): Promise<StoragePort> {
  if (config.MESSAGING_STORAGE === 'local') {
    const storage = new LocalDiskStorage(config.MESSAGING_STORAGE_DIR);
    await storage.open();
    return storage;
  }
  const problems: string[] = [];
  if (!config.MESSAGING_S3_BUCKET) problems.push('MESSAGING_S3_BUCKET: required when MESSAGING_STORAGE=s3');
  if (!config.MESSAGING_S3_ACCESS_KEY_ID !== !config.MESSAGING_S3_SECRET_ACCESS_KEY) {
    problems.push('MESSAGING_S3_ACCESS_KEY_ID, MESSAGING_S3_SECRET_ACCESS_KEY: set both or neither');
  }
  if (problems.length > 0 || !config.MESSAGING_S3_BUCKET) throw new ConfigError(problems);
  return new S3Storage({
    bucket: config.MESSAGING_S3_BUCKET,
    region: config.MESSAGING_S3_REGION,
    endpoint: config.MESSAGING_S3_ENDPOINT,
    forcePathStyle: config.MESSAGING_S3_FORCE_PATH_STYLE,
    prefix: config.MESSAGING_S3_PREFIX,
    credentials:
      config.MESSAGING_S3_ACCESS_KEY_ID && config.MESSAGING_S3_SECRET_ACCESS_KEY
        ? { accessKeyId: config.MESSAGING_S3_ACCESS_KEY_ID, secretAccessKey: config.MESSAGING_S3_SECRET_ACCESS_KEY }
        : undefined,
  });
}
