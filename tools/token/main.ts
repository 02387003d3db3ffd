import { parseArgs } from 'node:util';
import { developmentTokens, MAX_ACCESS_TOKEN_SECONDS } from '@petalpost/auth';
import { assertSupportedRuntime } from '@petalpost/platform';
import { z } from 'zod';

const usage = `usage: npm run token -- --role <operator|staff|florist|dispatcher|rider> --sub <subject>
                        [--shop <shop id>] [--ttl <seconds, at most ${MAX_ACCESS_TOKEN_SECONDS}>]
Signs an access token with the public development key, which only services on loopback in
development trust. People sign in through the accounts service instead (docs/accounts.md).`;

/** Mints a development access token, printed alone on stdout so it can be captured: TOKEN=$(npm run -s token -- …). */
function main(): void {
  assertSupportedRuntime();
  const { values } = parseArgs({
    options: {
      role: { type: 'string' },
      sub: { type: 'string' },
      shop: { type: 'string' },
      ttl: { type: 'string', default: String(MAX_ACCESS_TOKEN_SECONDS) },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  try {
    const token = developmentTokens().sign({ role: values.role as never, sub: values.sub as string, shopId: values.shop }, { ttlSeconds: Number(values.ttl) });
    process.stdout.write(`${token}\n`);
  } catch (err) {
    const issues = err instanceof z.ZodError ? err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : (err as Error).message;
    process.stderr.write(`${issues}\n${usage}\n`);
    process.exitCode = 2;
  }
}

main();
