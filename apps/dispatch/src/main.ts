import { main } from '@petalpost/platform';
import { dispatchService } from './dispatch.service';

main(dispatchService);
