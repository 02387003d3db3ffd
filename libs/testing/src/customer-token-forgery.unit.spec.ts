import { TokenVerifier } from '@petalpost/auth';
import { customerTokenForgery, forgeAccessToken } from './customer-token-forgery';

describe('the customer token forgery the specs send to every service', () => {
  const verifier = new TokenVerifier({ developmentKey: true });

  it('is refused only for its role: the same token for staff is accepted', async () => {
    await expect(verifier.verify(forgeAccessToken({ role: 'staff', shopId: 'shop-1', sub: 'alice' }))).resolves.toMatchObject({
      role: 'staff',
      shopId: 'shop-1',
      sub: 'alice',
    });
    await expect(verifier.verify(customerTokenForgery('order-1'))).rejects.toMatchObject({ kind: 'unauthenticated' });
  });
});
