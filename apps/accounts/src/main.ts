import { main } from '@petalpost/platform';
import { accountsService } from './accounts.service';

main(accountsService);
