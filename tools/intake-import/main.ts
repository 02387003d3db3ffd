import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { assertSupportedRuntime } from '@petalpost/platform';

const usage = `usage: npm run intake:import -- --file <day.csv> --api <orders API base URL, e.g. http://127.0.0.1:8080/api/orders>
         (--token <access token> | --api-key <pp_live_…> --accounts <accounts API base URL>)
         [--time-zone Europe/Amsterdam] [--source sheet] [--date-order ymd|dmy|mdy] [--currency EUR]
         [--default-hours 09:00-18:00] [--map field=Column …] [--shop <shop id, operators>] [--report <report.csv>] [--dry-run]
Uploads a CSV file of orders to the orders service's intake (streamed, not read into memory),
shows the mapping it suggests and the first rows as mapped, starts the import, prints its progress
and the summary, and writes the per-row report to --report. --dry-run stops after the preview.
The token may also come from PETALPOST_TOKEN, the API key from PETALPOST_API_KEY (keeps it out of
the shell history). See docs/intake.md.`;

type Json = Record<string, unknown>;

/** A refusal of the API, printed as the API words it. */
class ApiRefusal extends Error {}

async function main(): Promise<void> {
  assertSupportedRuntime();
  const { values } = parseArgs({
    options: {
      file: { type: 'string' },
      api: { type: 'string' },
      token: { type: 'string' },
      'api-key': { type: 'string' },
      accounts: { type: 'string' },
      'time-zone': { type: 'string' },
      source: { type: 'string' },
      'date-order': { type: 'string' },
      currency: { type: 'string' },
      'default-hours': { type: 'string' },
      map: { type: 'string', multiple: true },
      shop: { type: 'string' },
      report: { type: 'string' },
      'dry-run': { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return void process.stdout.write(`${usage}\n`);
  if (!values.file || !values.api) throw new UsageError('--file and --api are required');
  const api = values.api.replace(/\/+$/, '');
  const token = await accessToken(values.token ?? process.env.PETALPOST_TOKEN, values['api-key'] ?? process.env.PETALPOST_API_KEY, values.accounts);
  const overrides = Object.fromEntries(
    (values.map ?? []).map((pair) => {
      const at = pair.indexOf('=');
      if (at < 1) throw new UsageError(`--map takes field=Column, not "${pair}"`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
  const call = async (method: string, path: string, body?: Json): Promise<Json> => {
    const response = await fetch(`${api}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return answerOf(response);
  };

  // Upload: the file streams from disk to the service.
  const bytes = statSync(values.file).size;
  const query = new URLSearchParams(
    Object.entries({
      source: values.source,
      timeZone: values['time-zone'],
      dateOrder: values['date-order'],
      currency: values.currency,
      shopId: values.shop,
    }).filter((e): e is [string, string] => e[1] !== undefined),
  );
  say(`uploading ${values.file} (${megabytes(bytes)}) …`);
  let sent = 0;
  let shownPercent = -10;
  const counting = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      sent += chunk.length;
      const percent = Math.floor((sent / bytes) * 100);
      if (percent >= shownPercent + 10) {
        shownPercent = percent;
        say(`  uploaded ${percent}%`);
      }
      done(null, chunk);
    },
  });
  const uploaded = await answerOf(
    await fetch(`${api}/intake/imports?${query.toString()}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', 'content-length': String(bytes) },
      body: Readable.toWeb(createReadStream(values.file).pipe(counting)) as ReadableStream,
      duplex: 'half',
    } as RequestInit),
  );
  const importId = uploaded.importId as string;
  const columns = uploaded.columns as string[];
  say(`import ${importId}: ${uploaded.rowsTotal as number} rows, columns ${columns.map((c) => `"${c}"`).join(', ')} (dates in ${uploaded.timeZone as string})`);

  const settings: Json = {
    mapping: { ...(uploaded.suggestedMapping as Json), ...overrides },
    ...(values['date-order'] ? { dateOrder: values['date-order'] } : {}),
    ...(values.currency ? { currency: values.currency } : {}),
    ...(values['default-hours'] ? { defaultHours: values['default-hours'] } : {}),
  };
  say('mapping:');
  for (const [field, column] of Object.entries(settings.mapping as Json)) say(`  ${field.padEnd(14)} ← "${String(column)}"`);
  const preview = Object.keys(overrides).length || values['default-hours'] ? await call('POST', `/intake/imports/${importId}/preview`, settings) : uploaded;
  const rows = preview.preview as Array<{
    line: number;
    outcome: string;
    reason?: string;
    problems: Array<{ field: string; column?: string; message: string }>;
  }>;
  const tally = (outcome: string) => rows.filter((r) => r.outcome === outcome).length;
  say(`first ${rows.length} rows as mapped: ${tally('ready')} ready, ${tally('needs_attention')} held for staff, ${tally('rejected')} refused`);
  for (const row of rows.filter((r) => r.outcome !== 'ready').slice(0, 10)) {
    const why = row.problems.length ? row.problems.map((p) => `${p.field}${p.column ? ` (${p.column})` : ''}: ${p.message}`).join('; ') : row.reason;
    say(`  line ${row.line}: ${row.outcome} — ${why}`);
  }
  const problems = preview.mappingProblems as string[];
  if (problems.length) {
    say(`the mapping is not complete:\n${problems.map((p) => `  ${p}`).join('\n')}\nname the columns with --map field=Column`);
    process.exitCode = 2;
    return;
  }
  if (values['dry-run']) return say('dry run: not started (the upload is deleted when it expires)');

  await call('POST', `/intake/imports/${importId}/start`, settings);
  let status: Json;
  let lastLine = '';
  for (;;) {
    status = await call('GET', `/intake/imports/${importId}`);
    const line = progressLine(status);
    if (line !== lastLine) say(line);
    lastLine = line;
    if (status.status !== 'running') break;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  if (status.status !== 'finished') {
    say(`the import ${status.status as string}${status.error ? `: ${status.error as string}` : ''}`);
    process.exitCode = 1;
    return;
  }
  say(
    `done: ${status.imported as number} imported, ${status.duplicates as number} duplicates, ${status.rejected as number} rejected, ${status.needsAttention as number} held for staff (needs attention)`,
  );
  if (values.report) {
    const response = await fetch(`${api}/intake/imports/${importId}/report?format=csv`, { headers: { authorization: `Bearer ${token}` } });
    if (!response.ok || !response.body) await answerOf(response);
    await pipeline(Readable.fromWeb(response.body as never), createWriteStream(values.report));
    say(`report: ${values.report}`);
  } else if ((status.rejected as number) > 0) {
    const report = await call('GET', `/intake/imports/${importId}/report?limit=1000`);
    const refused = (report.rows as Array<{ line: number; outcome: string; reason?: string }>).filter((r) => r.outcome === 'rejected');
    for (const row of refused.slice(0, 20)) say(`  line ${row.line}: rejected — ${row.reason ?? ''}`);
    if (refused.length > 20 || report.nextAfterLine !== undefined) say('  … write the whole report with --report <file>');
  }
}

function progressLine(status: Json): string {
  const total = status.rowsTotal as number | undefined;
  const done = status.rowsDone as number;
  const percent = total ? ` (${Math.floor((done / total) * 100)}%)` : '';
  return `${status.status as string}: ${done}${total !== undefined ? `/${total}` : ''} rows${percent} — ${status.imported as number} imported, ${status.duplicates as number} duplicates, ${status.rejected as number} rejected, ${status.needsAttention as number} need attention`;
}

/** The given access token, or one exchanged for the shop's API key (the key itself is never printed). */
async function accessToken(token: string | undefined, apiKey: string | undefined, accounts: string | undefined): Promise<string> {
  if (token) return token;
  if (!apiKey) throw new UsageError('give --token (or PETALPOST_TOKEN), or --api-key (or PETALPOST_API_KEY) with --accounts');
  if (!accounts) throw new UsageError('--api-key needs --accounts, the accounts API that exchanges it for a token');
  const answer = await answerOf(
    await fetch(`${accounts.replace(/\/+$/, '')}/api-keys/token`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}` } }),
  );
  return answer.accessToken as string;
}

async function answerOf(response: Response): Promise<Json> {
  const text = await response.text();
  let body: Json = {};
  try {
    body = text ? (JSON.parse(text) as Json) : {};
  } catch {
    body = { message: text.slice(0, 300) };
  }
  if (!response.ok)
    throw new ApiRefusal(
      `HTTP ${response.status}${body.code ? ` ${body.code as string}` : ''}: ${(body.message as string | undefined) ?? response.statusText}`,
    );
  return body;
}

class UsageError extends Error {}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const say = (line: string) => void process.stdout.write(`${line}\n`);

main().catch((err: unknown) => {
  if (err instanceof UsageError) process.stderr.write(`${err.message}\n${usage}\n`);
  else if (err instanceof ApiRefusal) process.stderr.write(`refused: ${err.message}\n`);
  else process.stderr.write(`intake:import failed: ${(err as Error).message}\n`);
  process.exitCode = err instanceof UsageError ? 2 : 1;
});
