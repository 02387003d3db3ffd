import { EventStore } from '@petalpost/event-store';
import type { Provider } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * The service's event log, as exception reports use it: the same tables as the conversations'
 * store, through an instance of this module's own (the service module does not export its store).
 */
export const EXCEPTION_STORE = Symbol('EXCEPTION_STORE');
export type ExceptionStore = EventStore;

export const exceptionStoreProvider: Provider = {
  provide: EXCEPTION_STORE,
  inject: [DataSource],
  useFactory: (dataSource: DataSource) => new EventStore(dataSource),
};
