export const CONNECTIONS_QUERY = ['orders', 'intake', 'connections'] as const;
