import { parseArgs } from 'node:util';
import { TokenService } from '@petalpost/auth';
import { assertSupportedRuntime, DEVELOPMENT_JWT_SECRET, loadConfig } from '@petalpost/platform';
import { z } from 'zod';

const usage = `usage: npm run token -- --role <operator|staff|florist|dispatcher|rider|customer> --sub <subject>
                        [--shop <shop id>] [--order <order id, customers>] [--ttl <seconds>]
Signs with JWT_SECRET (the development secret when unset).`;

/** Mints a development token, printed alone on stdout so it can be captured: TOKEN=$(npm run -s token -- …). */
function main(): void {
  assertSupportedRuntime();
  const { values } = parseArgs({
    options: {
      role: { type: 'string' },
      sub: { type: 'string' },
      shop: { type: 'string' },
      order: { type: 'string' },
      ttl: { type: 'string', default: '43200' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const { JWT_SECRET } = loadConfig(z.object({ JWT_SECRET: z.string().min(32).default(DEVELOPMENT_JWT_SECRET) }));
  try {
    const token = new TokenService(JWT_SECRET).sign(
      { role: values.role as never, sub: values.sub as string, shopId: values.shop, orderId: values.order },
      Number(values.ttl),
    );
    process.stdout.write(`${token}\n`);
  } catch (err) {
    const issues = err instanceof z.ZodError ? err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : (err as Error).message;
    process.stderr.write(`${issues}\n${usage}\n`);
    process.exitCode = 2;
  }
}

main();
