import { main } from '@petalpost/platform';
import { messagingService } from './messaging.service';

main(messagingService);
