import { z } from 'zod';

const MiB = 1024 * 1024;

/** The attachments' own variables, merged into the messaging service's config. */
export const attachmentsConfigShape = {
  /** Larger uploads are refused with 413 before anything is decoded. */
  MESSAGING_ATTACHMENT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(10 * MiB),
  /** Declared width × height above this is refused before decoding: a tiny file can claim gigapixels. */
  MESSAGING_ATTACHMENT_MAX_PIXELS: z.coerce.number().int().min(1).default(50_000_000),
  MESSAGING_STORAGE: z.enum(['local', 's3']).default('local'),
  /** Where the local-disk storage keeps the objects; relative paths are taken from the working directory. */
  MESSAGING_STORAGE_DIR: z.string().min(1).default('.data/attachments'),
  MESSAGING_S3_BUCKET: z.string().min(1).optional(),
  MESSAGING_S3_REGION: z.string().min(1).default('us-east-1'),
  MESSAGING_S3_ENDPOINT: z.url().optional(),
  MESSAGING_S3_FORCE_PATH_STYLE: z.stringbool().default(false),
  MESSAGING_S3_PREFIX: z.string().default(''),
  MESSAGING_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  MESSAGING_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
};

export type AttachmentsConfig = z.infer<z.ZodObject<typeof attachmentsConfigShape>>;
