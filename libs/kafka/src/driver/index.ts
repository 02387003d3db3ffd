export * from './port';
export * from './kafkajs-driver';
export * from './platformatic-driver';
