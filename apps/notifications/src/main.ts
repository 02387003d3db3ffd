import { main } from '@petalpost/platform';
import { notificationsService } from './notifications.service';

main(notificationsService);
