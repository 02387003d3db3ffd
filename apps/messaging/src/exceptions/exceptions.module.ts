import { Module } from '@nestjs/common';
import { AttachmentsModule } from '../attachments';
import { ExceptionsController } from './api/exceptions.controller';
import { exceptionEscalator } from './exception-escalator';
import { exceptionStoreProvider } from './exception-store';
import { exceptionProjections } from './projections/exception-projections';

/**
 * Exception reports: the API, the read model and escalation; a rider's reports are checked against
 * the order assignments (order-assignments/). Their events (and the order commands they imply) go
 * to Kafka through the service's one relay of its log (relay/messaging-relay.ts).
 */
@Module({
  imports: [AttachmentsModule],
  controllers: [ExceptionsController],
  providers: [exceptionStoreProvider, exceptionProjections, exceptionEscalator],
})
export class ExceptionsModule {}
