import { printOpenApiDocument } from '@petalpost/platform';
import { ordersService } from './orders.service';

// Prints the service's OpenAPI document without starting it (npm run contracts:clients).
printOpenApiDocument(ordersService);
