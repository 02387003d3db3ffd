import { main } from '@petalpost/platform';
import { ordersService } from './orders.service';

main(ordersService);
