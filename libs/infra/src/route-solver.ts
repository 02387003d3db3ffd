/**
 * The route-solver sidecar (tools/route-solver: jsprit behind a small HTTP API) built with
 * Maven and run with `java`, like the Kafka broker next door.
 *
 * - ensureRouteSolverJar(): `mvn -q package` once per version of the sources, into
 *   `<cacheDir>/route-solver-<hash>/build` (route-solver.jar, its dependencies in lib/).
 * - startRouteSolver(): runs the jar as a child process on 127.0.0.1 and waits for GET /health.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { assertPortFree, freePort, type InfraLog, LOOPBACK_HOST } from './ports';
import { findJava, lastLines, noop, removeAbandonedPartials, run, spawned } from './jvm';

/** jsprit 1.8 runs on Java 8; the sidecar's sources use records and pattern matching. */
export const ROUTE_SOLVER_MIN_JAVA = 17;

const JAVA_MISSING = `Java ${ROUTE_SOLVER_MIN_JAVA}+ is needed to run the route-solver sidecar: install a JDK (e.g. apt-get install openjdk-17-jdk-headless)`;
const MARKER_FILE = '.complete.json';

export interface EnsureRouteSolverJarOptions {
  /** Root of the (git-ignored) cache Kafka's jars share, e.g. `<repo>/.cache`. */
  cacheDir: string;
  log?: InfraLog;
  /** The Maven project (default: tools/route-solver, found from this file). */
  sourceDir?: string;
}

export interface RouteSolverJar {
  /** `<cacheDir>/route-solver-<hash>/build/route-solver.jar`; its manifest names the jars in lib/ beside it. */
  jar: string;
  /** The first 12 hex digits of the SHA-256 of pom.xml and the Java sources. */
  sourceHash: string;
  java: string;
  /** true when this call ran Maven; false on a cache hit (no network, no compiler). */
  built: boolean;
}

/**
 * Builds the sidecar once per version of its sources. Idempotent and safe to race: Maven
 * writes into a private folder that is renamed into place, and a marker written last says
 * the build is whole.
 */
export async function ensureRouteSolverJar(options: EnsureRouteSolverJarOptions): Promise<RouteSolverJar> {
  const log = options.log ?? noop;
  const sourceDir = options.sourceDir ?? findSourceDir();
  const { java } = await findJava(ROUTE_SOLVER_MIN_JAVA, JAVA_MISSING);
  const sourceHash = await hashSources(sourceDir);
  const home = resolve(options.cacheDir, `route-solver-${sourceHash}`);
  const buildDir = join(home, 'build');
  const jar = join(buildDir, 'route-solver.jar');
  const markerPath = join(home, MARKER_FILE);
  if (existsSync(markerPath) && existsSync(jar)) return { jar, sourceHash, java, built: false };

  await mkdir(home, { recursive: true });
  await removeAbandonedPartials(home, 'build.partial-');
  const partial = join(home, `build.partial-${process.pid}-${randomBytes(3).toString('hex')}`);
  log(`route-solver: building ${relative(process.cwd(), sourceDir) || sourceDir} with Maven into ${buildDir} (once per source version)`);
  const started = Date.now();
  const result = await run('mvn', [
    '-B',
    '-q',
    '-Dstyle.color=never',
    '-f',
    join(sourceDir, 'pom.xml'),
    `-DrouteSolver.buildDirectory=${partial}`,
    'package',
  ]).catch((err: NodeJS.ErrnoException) => {
    throw new Error(
      err.code === 'ENOENT' ? 'Maven (mvn) is needed once to build the route-solver sidecar: install it (e.g. apt-get install maven)' : err.message,
    );
  });
  if (result.code !== 0 || !existsSync(join(partial, 'route-solver.jar'))) {
    await rm(partial, { recursive: true, force: true });
    const errorLine = result.output.split('\n').find((l) => l.startsWith('[ERROR]')) ?? lastLines(result.output, 5);
    throw new Error(`mvn could not build the route-solver sidecar (exit ${result.code}; is Maven Central reachable?): ${errorLine.slice(0, 600)}`);
  }
  // Another process may have finished the same build meanwhile: keep its copy.
  if (existsSync(markerPath) && existsSync(jar)) {
    await rm(partial, { recursive: true, force: true });
  } else {
    await rm(buildDir, { recursive: true, force: true });
    await rename(partial, buildDir);
    const libs = (await readdir(join(buildDir, 'lib'))).sort();
    await writeFile(`${partial}.marker`, `${JSON.stringify({ sourceHash, libs, completedAt: new Date().toISOString() }, null, 2)}\n`);
    await rename(`${partial}.marker`, markerPath);
  }
  log(`route-solver: built ${jar} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { jar, sourceHash, java, built: true };
}

export interface StartRouteSolverOptions extends EnsureRouteSolverJarOptions {
  /** Port on 127.0.0.1; default a free one. */
  port?: number;
  /** Max heap in MiB (-Xmx). Default 512. */
  heapMb?: number;
  /** How long to wait for GET /health (the first build is not counted). Default 30 000 ms. */
  readyTimeoutMs?: number;
}

export interface RouteSolverProcess {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** PID of the JVM, a direct child of this process. */
  pid: number;
  jar: string;
  /** The sidecar's last lines of output (its start line and one line per solve). */
  output(): string;
  /** SIGTERM to the JVM's own PID, wait for it to exit (10 s, then SIGKILL). Idempotent. */
  stop(): Promise<void>;
}

/** Starts the sidecar as a child process and resolves once GET /health answers that it is up. */
export async function startRouteSolver(options: StartRouteSolverOptions): Promise<RouteSolverProcess> {
  const log = options.log ?? noop;
  const { jar, java } = await ensureRouteSolverJar(options);
  const port = options.port ?? (await freePort());
  await assertPortFree(port, 'pass another port to startRouteSolver, or leave it out to take a free one');
  const heapMb = options.heapMb ?? 512;
  const child = spawn(java, [`-Xmx${heapMb}m`, '-XX:+ExitOnOutOfMemoryError', '-Djava.awt.headless=true', '-jar', jar, String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-16_384);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const pid = await spawned(child, JAVA_MISSING);

  let exit: string | undefined;
  const exited = new Promise<void>((resolveExit) =>
    child.once('exit', (code, signal) => {
      exit = signal ? `signal ${signal}` : `exit code ${String(code)}`;
      resolveExit();
    }),
  );
  // Best effort: no sidecar left behind when this process exits without calling stop().
  const killOnExit = () => {
    if (!exit) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (!exit) {
        child.kill('SIGTERM');
        // Unreferenced: once the sidecar exited, nothing may keep this process waiting out the 10 s.
        const inTime = await Promise.race([exited.then(() => true), sleep(10_000, false, { ref: false })]);
        if (!inTime) {
          child.kill('SIGKILL');
          await exited;
        }
      }
      process.removeListener('exit', killOnExit);
    })());

  const url = `http://${LOOPBACK_HOST}:${port}`;
  const timeoutMs = options.readyTimeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exit) throw new Error(`route-solver sidecar (pid ${pid}) ended with ${exit} before it was up:\n${lastLines(output, 15)}`);
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
      const body = (await response.json()) as { status?: string };
      if (response.ok && body.status === 'up') break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`route-solver sidecar (pid ${pid}) did not answer GET ${url}/health within ${timeoutMs} ms:\n${lastLines(output, 15)}`);
    }
    await sleep(100);
  }
  log(`route-solver: pid ${pid} up on ${url}`);
  return { url, pid, jar, output: () => output, stop };
}

/** tools/route-solver of the nearest ancestor: found alike from the sources and from dist/. */
function findSourceDir(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'tools', 'route-solver');
    if (existsSync(join(candidate, 'pom.xml'))) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new Error(`tools/route-solver/pom.xml not found from ${__dirname}: run from the Petalpost repo, or pass sourceDir`);
}

/** A new version of the sources gets a new build folder, so a stale jar is never run. */
async function hashSources(sourceDir: string): Promise<string> {
  const files = ['pom.xml', ...(await javaFiles(join(sourceDir, 'src')))].map((f) => relative(sourceDir, resolve(sourceDir, f))).sort();
  const hash = createHash('sha256');
  for (const file of files)
    hash
      .update(`${file}\0`)
      .update(await readFile(join(sourceDir, file)))
      .update('\0');
  return hash.digest('hex').slice(0, 12);
}

async function javaFiles(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.java')).map((e) => join(e.parentPath, e.name));
}
