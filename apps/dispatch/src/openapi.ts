import { printOpenApiDocument } from '@petalpost/platform';
import { dispatchService } from './dispatch.service';

// Prints the service's OpenAPI document without starting it (npm run contracts:clients).
printOpenApiDocument(dispatchService);
