import { z } from 'zod';
import { createZodDto } from './zod-dto';

/**
 * The body of a command that takes none: nothing, or `{}`. Any field is refused (400), so a client
 * that believes it is sending something (`{"status":"delivered"}`) learns it is not.
 */
export class EmptyBody extends createZodDto(z.strictObject({}).meta({ example: {} }).default({}).describe('This command takes no fields')) {}
