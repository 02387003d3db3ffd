/** The signs a pickup code is made of (no 0/O, no 1/I), five of them: the orders service's rule. */
const CODE = /^[2-9A-HJ-NP-Z]{5}$/;

/**
 * The pickup code in what the label's QR says, or in what the rider typed. The console prints
 * the code alone in the QR (apps/console print: the code, as printed beside it); a reader that
 * adds spaces, a lower-case rendering, or a link carrying `?code=` are read too.
 */
export function parsePickupCode(text: string): string | undefined {
  let candidate = text.trim();
  try {
    const url = new URL(candidate);
    candidate = url.searchParams.get('code') ?? url.searchParams.get('pickupCode') ?? url.hash.replace(/^#/, '');
  } catch {
    // Not a link: the code itself.
  }
  const code = candidate.replace(/[\s-]/g, '').toUpperCase();
  return CODE.test(code) ? code : undefined;
}
