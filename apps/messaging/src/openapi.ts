import { printOpenApiDocument } from '@petalpost/platform';
import { messagingService } from './messaging.service';

// Prints the service's OpenAPI document without starting it (npm run contracts:clients).
printOpenApiDocument(messagingService);
