import { logProjections } from '@petalpost/event-store';
import { EXCEPTION_STORE } from '../exception-store';
import { exceptionReportsProjection } from './exception-reports.projection';

/** Keeps `exception_reports` from the log while the service runs. */
export const exceptionProjections = logProjections('ExceptionProjections', () => [exceptionReportsProjection], [], { log: EXCEPTION_STORE });
