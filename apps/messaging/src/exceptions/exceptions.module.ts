import { Module } from '@nestjs/common';
import { AttachmentsModule } from '../attachments/attachments.module';
import { ExceptionsController } from './api/exceptions.controller';
import { orderAssignmentsConsumer } from './consumers/order-assignments.consumer';
import { ExceptionEscalator } from './exception-escalator';
import { exceptionStoreProvider } from './exception-store';
import { ExceptionProjections } from './projections/exception-projections';
import { ExceptionsRelay } from './relay/exceptions-relay';

export { ExceptionReports1764000000500 } from './exceptions.migration';

/**
 * Exception reports: the API, the read model, what messaging knows of each order's rider, the
 * relay of their events (and the order commands they imply) to Kafka, and escalation.
 */
@Module({
  imports: [AttachmentsModule],
  controllers: [ExceptionsController],
  providers: [exceptionStoreProvider, ExceptionProjections, ExceptionsRelay, ExceptionEscalator, orderAssignmentsConsumer],
})
export class ExceptionsModule {}
