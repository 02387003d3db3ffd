import { Module } from '@nestjs/common';
import { AttachmentsModule } from '../attachments/attachments.module';
import { ExceptionsController } from './api/exceptions.controller';
import { orderAssignmentsConsumer } from './consumers/order-assignments.consumer';
import { ExceptionEscalator } from './exception-escalator';
import { exceptionStoreProvider } from './exception-store';
import { exceptionProjections } from './projections/exception-projections';

export { ExceptionReports1764000000500 } from './exceptions.migration';

/**
 * Exception reports: the API, the read model, what messaging knows of each order's rider, and
 * escalation. Their events (and the order commands they imply) go to Kafka through the service's
 * one relay of its log (relay/messaging-relay.ts).
 */
@Module({
  imports: [AttachmentsModule],
  controllers: [ExceptionsController],
  providers: [exceptionStoreProvider, exceptionProjections, ExceptionEscalator, orderAssignmentsConsumer],
})
export class ExceptionsModule {}
