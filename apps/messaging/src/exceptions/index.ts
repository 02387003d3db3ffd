// The exceptions slice's entry point: exception reports — their module and tables, and what the
// relay publishes of them.
export { ExceptionReports1764000000500 } from './exceptions.migration';
export { ExceptionsModule } from './exceptions.module';
export { isExceptionEvent } from './projections/exception-reports.projection';
export { toExceptionMessage, toOrderCommand } from './relay/exception-messages';
