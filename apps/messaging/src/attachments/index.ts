// The attachments slice's entry point: photos on orders, their module and table, and the service
// exception reports check their photos with.
export { Attachments1764000000450 } from './attachments.migration';
export { AttachmentsModule } from './attachments.module';
export { AttachmentsService } from './attachments.service';
