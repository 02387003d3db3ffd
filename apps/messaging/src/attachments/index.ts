// The attachments slice's entry point: photos on orders, their module and table, and the service
// exception reports check their photos with.
export { AttachmentIdempotency1768000000400 } from './attachment-idempotency.migration';
export { AttachmentArrangementPurpose1768000000100 } from './attachment-purposes.migration';
export { Attachments1764000000450 } from './attachments.migration';
export { AttachmentsModule } from './attachments.module';
export { AttachmentsService } from './attachments.service';
