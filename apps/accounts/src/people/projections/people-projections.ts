import { logProjections } from '@petalpost/event-store';
import { peopleDirectoryProjection } from './people-directory.projection';

/** Keeps the people directory from the log while the service runs. */
export const peopleProjections = logProjections('PeopleProjections', () => [peopleDirectoryProjection]);
