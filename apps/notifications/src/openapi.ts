import { printOpenApiDocument } from '@petalpost/platform';
import { notificationsService } from './notifications.service';

// Prints the service's OpenAPI document without starting it (npm run contracts:clients).
printOpenApiDocument(notificationsService);
