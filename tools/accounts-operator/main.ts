import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { DomainError } from '@petalpost/contracts';
import { assertSupportedRuntime, loadConfig, openDataSource } from '@petalpost/platform';
import { z } from 'zod';
// The operator command is the accounts service's own administrative entry: it must write exactly the
// events and rows the service writes, so it uses the service's code rather than a copy of it.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { registerOperator } from '../../apps/accounts/src/people';

const usage = `usage: npm run accounts:operator -- --email <e-mail> --name <display name>  (the password is read from stdin)
Registers an operator (the platform's own people: no shop, every shop) in the accounts service's
database at DATABASE_URL, schema DATABASE_SCHEMA (default accounts). Start the service once first, so its tables exist.
Passwords: at least 15 characters, at most 128, not a common one, not containing the e-mail's name part.`;

/** Reads the password: typed without echo on a terminal, else the first line of stdin (so it stays out of shell history and ps). */
async function readPassword(): Promise<string> {
  const terminal = process.stdin.isTTY === true;
  if (terminal) process.stderr.write('password: ');
  const lines = createInterface({ input: process.stdin, terminal: false });
  if (terminal) process.stdin.setRawMode?.(false);
  for await (const line of lines) {
    lines.close();
    return line;
  }
  return '';
}

async function main(): Promise<void> {
  assertSupportedRuntime();
  const { values } = parseArgs({ options: { email: { type: 'string' }, name: { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help || !values.email || !values.name) {
    process.stdout.write(`${usage}\n`);
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  const config = loadConfig(z.object({ DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }), DATABASE_SCHEMA: z.string().default('accounts') }));
  const password = await readPassword();
  const dataSource = await openDataSource({ url: config.DATABASE_URL, schema: config.DATABASE_SCHEMA, migrations: [], poolSize: 2 });
  try {
    const { personId, email } = await registerOperator(dataSource, { email: values.email, displayName: values.name, password });
    process.stdout.write(`${JSON.stringify({ personId, email, operator: true })}\n`);
  } catch (err) {
    if (err instanceof DomainError) process.stderr.write(`${err.code}: ${err.message}\n`);
    else if ((err as { code?: string }).code === '42P01')
      process.stderr.write(`no accounts tables in schema ${config.DATABASE_SCHEMA}: start the accounts service once first\n`);
    else throw err;
    process.exitCode = 1;
  } finally {
    await dataSource.destroy();
  }
}

void main().catch((err: unknown) => {
  process.stderr.write(`accounts:operator: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
