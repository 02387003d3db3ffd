import { z } from 'zod';
import { PURPOSES } from './attachment-access';
import { IMAGE_FORMATS } from './image-inspection';
import { createZodDto } from '@petalpost/platform';

/** The form fields of an upload besides the file itself. */
export const UploadFieldsSchema = z.strictObject({ purpose: z.enum(PURPOSES) });

export class AttachmentView extends createZodDto(
  z.object({
    attachmentId: z.uuid(),
    orderId: z.string(),
    purpose: z.enum(PURPOSES),
    sha256: z.string().length(64),
    format: z.enum(IMAGE_FORMATS),
    width: z.number().int(),
    height: z.number().int(),
    bytes: z.number().int(),
    uploadedBy: z.object({ role: z.string(), subject: z.string() }),
    createdAt: z.string(),
    url: z.string().describe('the photo: the original for staff, a version without metadata (no EXIF location) for everyone else'),
    thumbnailUrl: z.string(),
  }),
) {}

export class AttachmentList extends createZodDto(z.object({ attachments: z.array(AttachmentView.schema) })) {}

/** The multipart body as documented in OpenAPI (multipart is parsed by hand, not by the zod pipe). */
export const UPLOAD_BODY_SCHEMA = {
  type: 'object',
  required: ['purpose', 'file'],
  properties: {
    purpose: {
      type: 'string',
      enum: [...PURPOSES],
      description:
        'message: a picture in a conversation; arrangement: the finished arrangement (staff, florists and operators only; the buyer sees it); proof_of_delivery; damage: a damaged bouquet’s report',
    },
    file: { type: 'string', format: 'binary', description: 'a JPEG, PNG or WebP photo; its type is taken from its content, not its name' },
  },
};
