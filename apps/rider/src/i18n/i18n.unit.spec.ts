import { join } from 'node:path';
import { describeAppLanguages } from '@petalpost/testing/app-languages';
import { LANGUAGES, messages, resourcesFor } from './messages';

describeAppLanguages("rider's app", { messages, languages: LANGUAGES, resourcesFor, sourceDir: join(__dirname, '..'), knownTemplatePrefix: 'shared.status' });
