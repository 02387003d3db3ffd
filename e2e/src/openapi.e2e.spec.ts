import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { badExamples, createTestNamespace, type ServiceProcess, startServiceProcess } from '@petalpost/testing';
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';
import ts from 'typescript';

const SERVICES = ['orders', 'dispatch', 'messaging', 'notifications', 'accounts'] as const;
type Service = (typeof SERVICES)[number];
type Document = Record<string, unknown>;

const repoRoot = join(__dirname, '..', '..');

/**
 * Each service's OpenAPI document (GET /docs/json of the built service, run as `npm start` runs
 * it) read by the tools an integrator uses: Redocly's linter, a JSON Schema 2020-12 validator for
 * its examples, and openapi-typescript with openapi-fetch for a typed client.
 */
describe('the OpenAPI documents of the services', () => {
  const documents = {} as Record<Service, Document>;
  const services: ServiceProcess[] = [];
  // Inside the repository, so the generated clients resolve openapi-fetch from its node_modules.
  let workDir: string;

  beforeAll(async () => {
    const namespace = await createTestNamespace();
    services.push(...(await Promise.all(SERVICES.map((name) => startServiceProcess(name, { KAFKA_NAMESPACE: namespace })))));
    for (const [i, name] of SERVICES.entries()) {
      const response = await fetch(`${services[i].url}/docs/json`);
      expect(response.status).toBe(200);
      documents[name] = (await response.json()) as Document;
    }
    await mkdir(join(repoRoot, '.cache'), { recursive: true });
    workDir = await mkdtemp(join(repoRoot, '.cache', 'openapi-'));
  }, 180_000);

  afterAll(async () => {
    await Promise.all(services.map((service) => service.stop()));
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it.each(SERVICES)('%s: an OpenAPI 3.1 document that Redocly lints clean with redocly.yaml (no error, no warning)', async (name) => {
    expect(documents[name].openapi).toMatch(/^3\.1\./);
    const file = join(workDir, `${name}.json`);
    await writeFile(file, JSON.stringify(documents[name], null, 2));
    const report = await redoclyLint(file);
    expect(report.problems.map((p) => `${p.severity} ${p.ruleId} at ${p.location.map((l) => l.pointer).join(', ')}: ${p.message}`)).toEqual([]);
  });

  it.each(SERVICES)('%s: every example is valid against its own schema (JSON Schema 2020-12, formats included)', (name) => {
    expect(badExamples(documents[name]).map((bad) => `${bad.path}: ${bad.errors.join('; ')}`)).toEqual([]);
  });

  it('gives each service a typed client with openapi-typescript, and the clients compile against openapi-fetch', async () => {
    for (const name of SERVICES) {
      const types = astToString(await openapiTS(documents[name] as unknown as OpenAPI3, { silent: true }));
      await writeFile(join(workDir, `${name}.ts`), types);
    }
    const clients = join(workDir, 'clients.ts');
    await writeFile(clients, CLIENTS);
    const program = ts.createProgram([clients], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      types: [],
    });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => {
      const where =
        d.file && d.start !== undefined ? `${d.file.fileName.slice(workDir.length + 1)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1} ` : '';
      return `${where}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    expect(problems).toEqual([]);
  });
});

/** A client per service, and calls whose paths, parameters, bodies and answers the compiler checks against the documents. */
const CLIENTS = `
import createClient from 'openapi-fetch';
import type { paths as Accounts } from './accounts';
import type { paths as Dispatch } from './dispatch';
import type { paths as Messaging } from './messaging';
import type { paths as Notifications } from './notifications';
import type { paths as Orders } from './orders';

const orders = createClient<Orders>({ baseUrl: 'http://127.0.0.1:3001' });
export const dispatch = createClient<Dispatch>({ baseUrl: 'http://127.0.0.1:3002' });
export const messaging = createClient<Messaging>({ baseUrl: 'http://127.0.0.1:3003' });
export const notifications = createClient<Notifications>({ baseUrl: 'http://127.0.0.1:3004' });
const accounts = createClient<Accounts>({ baseUrl: 'http://127.0.0.1:3005' });

/** An answer is the order or the one error body, each with its fields typed. */
export async function accept(orderId: string, version: number): Promise<string> {
  const { data, error } = await orders.POST('/orders/{orderId}/accept', {
    params: { path: { orderId }, header: { 'If-Match': String(version) } },
    body: {},
  });
  return error ? error.code + ': ' + error.message : data.status + ' at version ' + data.version;
}

export async function nextPageOf(cursor: string | null): Promise<string | null> {
  const { data } = await orders.GET('/orders', { params: { query: cursor === null ? {} : { cursor } } });
  return data ? data.nextCursor : null;
}

/** Signing in answers the tokens and the session, or the error body. */
export async function signIn(email: string, password: string): Promise<string> {
  const { data, error } = await accounts.POST('/sessions', { body: { email, password } });
  return error ? error.code : data.tokenType + ' ' + data.accessToken + ' for session ' + data.session.sessionId;
}
`;

interface RedoclyReport {
  problems: Array<{ ruleId: string; severity: string; message: string; location: Array<{ pointer: string }> }>;
}

/** Redocly CLI itself (the tool integrators run), with the repository's redocly.yaml. */
function redoclyLint(file: string): Promise<RedoclyReport> {
  const cli = require.resolve('@redocly/cli/bin/cli.js');
  const args = [cli, 'lint', file, '--config', join(repoRoot, 'redocly.yaml'), '--format', 'json'];
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };
  return new Promise((resolve, reject) =>
    // It exits 1 when it finds errors: the report on stdout says which.
    execFile(process.execPath, args, { cwd: repoRoot, env }, (err, stdout, stderr) => {
      try {
        resolve(JSON.parse(stdout) as RedoclyReport);
      } catch {
        reject(new Error(`redocly lint gave no report (${err?.message ?? 'no error'}): ${stderr}`));
      }
    }),
  );
}
