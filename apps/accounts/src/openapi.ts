import { printOpenApiDocument } from '@petalpost/platform';
import { accountsService } from './accounts.service';

// Prints the service's OpenAPI document without starting it (npm run contracts:clients).
printOpenApiDocument(accountsService);
