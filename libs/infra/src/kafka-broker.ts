/**
 * A real single-node Apache Kafka broker (KRaft combined mode: broker + controller in one
 * JVM) assembled from Maven Central jars and run with `java`. No Docker, no ZooKeeper.
 *
 * - ensureKafkaJars(): resolves the broker's runtime classpath once per Kafka version into
 *   `<cacheDir>/kafka-<version>/libs` with `mvn dependency:copy-dependencies` (libs/infra/src/kafka/pom.xml).
 * - startKafkaBroker(): writes server.properties into the data dir, formats it once, starts
 *   the JVM (output to `<dataDir>/broker.log`) and waits until a kafkajs admin client answers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, openSync, closeSync, writeSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile, open } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { assertPortFree, LOOPBACK_HOST, type InfraLog } from './ports';
import { findJava, lastLines, noop, removeAbandonedPartials, run, spawned } from './jvm';
import { isAlive } from './process-alive';

/** Newest Apache Kafka 4.x release that resolves on Maven Central (checked 2026-11). */
export const KAFKA_VERSION = '4.4.0';
/** Scala binary version of the `kafka_<scala>` broker artifact. */
export const KAFKA_SCALA_VERSION = '2.13';
/** Maven coordinates of the broker artifact resolved by {@link ensureKafkaJars}. */
export const KAFKA_BROKER_ARTIFACT = `org.apache.kafka:kafka_${KAFKA_SCALA_VERSION}`;
/** The maven-dependency-plugin used to copy the runtime classpath (pinned: no plugin-version lookups). */
export const MAVEN_DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';
/** Minimum Java feature version for Kafka 4.x brokers. */
export const KAFKA_MIN_JAVA = 17;

const JAVA_MISSING = 'Java 17+ is needed to run the local Kafka broker: install a JDK (e.g. apt-get install openjdk-17-jre-headless) or set KAFKA_BROKERS';

export interface EnsureKafkaJarsOptions {
  /** Root of the (git-ignored) cache, e.g. `<repo>/.cache`. Jars go to `<cacheDir>/kafka-<version>/libs`. */
  cacheDir: string;
  /** Kafka version (`org.apache.kafka:kafka_2.13:<version>`); defaults to {@link KAFKA_VERSION}. */
  kafkaVersion?: string;
  log?: InfraLog;
  /** Override the throwaway Maven project (default: libs/infra/src/kafka/pom.xml, found from this file). */
  pomFile?: string;
}

export interface KafkaJars {
  version: string;
  /** `<cacheDir>/kafka-<version>` */
  home: string;
  /** Folder holding every jar of the broker's runtime classpath. */
  libsDir: string;
  /** `-cp` value for java (`<libsDir>/*`, expanded by java itself). */
  classpath: string;
  /** The java executable that passed the version check. */
  java: string;
  /** Java feature version found (e.g. 17). */
  javaVersion: number;
  /** true when this call ran Maven; false on a cache hit (no network access). */
  downloaded: boolean;
}

interface JarsMarker {
  version: string;
  artifact: string;
  jars: string[];
  completedAt: string;
}

const MARKER_FILE = '.complete.json';

/**
 * Resolves the Kafka broker runtime classpath (plus an SLF4J 1.7 -> Log4j 2 binding so the
 * broker logs) into `<cacheDir>/kafka-<version>/libs`. Idempotent: a marker file is written
 * last, so an interrupted download is redone, and a completed one makes no network access.
 */
export async function ensureKafkaJars(options: EnsureKafkaJarsOptions): Promise<KafkaJars> {
  const version = options.kafkaVersion ?? KAFKA_VERSION;
  const log = options.log ?? noop;
  assertKafkaVersion(version);
  const home = resolve(options.cacheDir, `kafka-${version}`);
  const libsDir = join(home, 'libs');
  const markerPath = join(home, MARKER_FILE);
  const { java, javaVersion } = await findJava(KAFKA_MIN_JAVA, JAVA_MISSING);

  const cached = await readMarker(markerPath, libsDir, version);
  if (cached) {
    return { version, home, libsDir, classpath: join(libsDir, '*'), java, javaVersion, downloaded: false };
  }

  const mvn = await findExecutable('mvn');
  if (!mvn) {
    throw new Error(
      `Maven (mvn) is needed once to download the Kafka ${version} broker jars into ${libsDir}: install it (e.g. apt-get install maven), put a jar cache there, or set KAFKA_BROKERS`,
    );
  }
  const pomFile = options.pomFile ?? findInfraFile('pom.xml');
  await mkdir(home, { recursive: true });
  await removeAbandonedPartials(home, 'libs.partial-');
  const partial = join(home, `libs.partial-${process.pid}-${randomBytes(3).toString('hex')}`);
  await rm(partial, { recursive: true, force: true });
  log(`kafka: resolving ${KAFKA_BROKER_ARTIFACT}:${version} runtime jars with Maven into ${libsDir} (one-off)`);
  const started = Date.now();
  const result = await run(mvn, [
    '-B',
    '-q',
    '-Dstyle.color=never',
    '-f',
    pomFile,
    `-Dkafka.version=${version}`,
    `${MAVEN_DEPENDENCY_PLUGIN}:copy-dependencies`,
    '-DincludeScope=runtime',
    `-DoutputDirectory=${partial}`,
  ]);
  if (result.code !== 0) {
    await rm(partial, { recursive: true, force: true });
    throw new Error(describeMavenFailure(result.output, version, options.cacheDir, libsDir));
  }
  const jars = (await readdir(partial)).filter((f) => f.endsWith('.jar')).sort();
  const brokerJar = `kafka_${KAFKA_SCALA_VERSION}-${version}.jar`;
  if (!jars.includes(brokerJar) || !jars.some((f) => f.startsWith('log4j-slf4j-impl-'))) {
    await rm(partial, { recursive: true, force: true });
    throw new Error(`mvn finished but ${brokerJar} or the log4j-slf4j-impl binding is missing from its output (${jars.length} jars): check ${pomFile}`);
  }
  // Another process may have completed the same download meanwhile: keep its copy.
  if (await readMarker(markerPath, libsDir, version)) {
    await rm(partial, { recursive: true, force: true });
  } else {
    await rm(libsDir, { recursive: true, force: true });
    await rename(partial, libsDir);
    const marker: JarsMarker = {
      version,
      artifact: `${KAFKA_BROKER_ARTIFACT}:${version}`,
      jars,
      completedAt: new Date().toISOString(),
    };
    const markerTmp = `${partial}.marker`;
    await writeFile(markerTmp, `${JSON.stringify(marker, null, 2)}\n`);
    await rename(markerTmp, markerPath);
  }
  log(`kafka: ${jars.length} jars for Kafka ${version} cached in ${libsDir} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return { version, home, libsDir, classpath: join(libsDir, '*'), java, javaVersion, downloaded: true };
}

export interface StartKafkaBrokerOptions {
  /** Root of the jar cache (see {@link ensureKafkaJars}). */
  cacheDir: string;
  /** Broker state: server.properties, broker.log, broker.pid and the log dirs (`<dataDir>/kraft`). Reused across restarts. */
  dataDir: string;
  /** PLAINTEXT listener port on 127.0.0.1 (clients). */
  port: number;
  /** CONTROLLER listener port on 127.0.0.1 (KRaft quorum; nothing else talks to it). */
  controllerPort: number;
  log?: InfraLog;
  kafkaVersion?: string;
  /** Max heap in MiB (-Xmx); -Xms is min(256, heapMb). Default 512. */
  heapMb?: number;
  /** How long to wait for the broker to answer describeCluster. Default 60 000 ms. */
  readyTimeoutMs?: number;
  /** Extra/overriding server.properties entries. */
  properties?: Record<string, string | number | boolean>;
  /** Override libs/infra/src/kafka/log4j2.properties. */
  log4jConfigFile?: string;
  /** Override libs/infra/src/kafka/pom.xml. */
  pomFile?: string;
}

export interface KafkaBroker {
  /** Bootstrap servers for clients, e.g. `['127.0.0.1:39092']`. */
  brokers: string[];
  /** PID of the broker JVM (a direct child of this process). */
  pid: number;
  dataDir: string;
  /** Where the JVM's stdout/stderr go. */
  logFile: string;
  kafkaVersion: string;
  /** SIGTERM to the broker's own PID, wait for exit (30 s, then SIGKILL). Idempotent. */
  stop(): Promise<void>;
}

/** The server.properties written into the data dir (KRaft combined mode, single node, 127.0.0.1 only). */
export function kafkaServerProperties(options: {
  logDir: string;
  port: number;
  controllerPort: number;
  extra?: Record<string, string | number | boolean>;
}): string {
  const props: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@${LOOPBACK_HOST}:${options.controllerPort}`,
    listeners: `PLAINTEXT://${LOOPBACK_HOST}:${options.port},CONTROLLER://${LOOPBACK_HOST}:${options.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://${LOOPBACK_HOST}:${options.port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': options.logDir,
    'num.partitions': 3,
    'default.replication.factor': 1,
    'offsets.topic.replication.factor': 1,
    // Internal topics default to 50 partitions each: creating them costs seconds on 2 cores.
    'offsets.topic.num.partitions': 3,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'transaction.state.log.num.partitions': 3,
    'share.coordinator.state.topic.replication.factor': 1,
    'share.coordinator.state.topic.min.isr': 1,
    'min.insync.replicas': 1,
    'group.initial.rebalance.delay.ms': 0,
    'auto.create.topics.enable': false,
    'num.network.threads': 2,
    'num.io.threads': 4,
    ...options.extra,
  };
  const lines = Object.entries(props).map(([k, v]) => `${k}=${escapePropertyValue(String(v))}`);
  return `# Written by libs/infra/src/kafka-broker.ts on every start; edits are overwritten.\n${lines.join('\n')}\n`;
}

/**
 * Starts a single-node Kafka broker as a child JVM and resolves once a kafkajs admin client
 * gets an answer to describeCluster. The data dir is formatted only the first time, so a
 * restart on the same dataDir keeps topics, messages and committed offsets.
 */
export async function startKafkaBroker(options: StartKafkaBrokerOptions): Promise<KafkaBroker> {
  const log = options.log ?? noop;
  const { port, controllerPort } = options;
  if (port === controllerPort) {
    throw new Error(`Kafka port and controller port must differ (both ${port}): set KAFKA_PORT to another port`);
  }
  const heapMb = options.heapMb ?? 512;
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  const dataDir = resolve(options.dataDir);
  const logDir = join(dataDir, 'kraft');
  const propsFile = join(dataDir, 'server.properties');
  const logFile = join(dataDir, 'broker.log');
  const pidFile = join(dataDir, 'broker.pid');

  const jars = await ensureKafkaJars({
    cacheDir: options.cacheDir,
    kafkaVersion: options.kafkaVersion,
    log,
    pomFile: options.pomFile,
  });
  const log4jConfig = options.log4jConfigFile ?? findInfraFile('log4j2.properties');

  await mkdir(logDir, { recursive: true });
  await assertNoStaleBroker(pidFile, dataDir);
  await assertPortFree(port, 'set KAFKA_PORT to a free port, or KAFKA_BROKERS to use a running broker');
  await assertPortFree(controllerPort, 'set KAFKA_CONTROLLER_PORT to a free port, or KAFKA_BROKERS to use a running broker');

  await writeFile(propsFile, kafkaServerProperties({ logDir, port, controllerPort, extra: options.properties }));

  const commonJvmArgs = [`-Dlog4j2.configurationFile=${log4jConfig}`, '-Djava.awt.headless=true', '-cp', jars.classpath];

  if (!existsSync(join(logDir, 'meta.properties'))) {
    const clusterId = randomClusterId();
    log(`kafka: formatting ${logDir} (cluster id ${clusterId})`);
    const formatted = await run(jars.java, [
      '-Xmx256m',
      ...commonJvmArgs,
      'kafka.tools.StorageTool',
      'format',
      '--cluster-id',
      clusterId,
      '--config',
      propsFile,
    ]);
    if (formatted.code !== 0) {
      throw new Error(`kafka-storage format failed for ${logDir} (exit ${formatted.code}): ${lastLines(formatted.output, 20)}`);
    }
  }

  const fd = openSync(logFile, 'a');
  writeSync(fd, `\n===== ${new Date().toISOString()} petalpost: starting Kafka ${jars.version} on ${LOOPBACK_HOST}:${port} =====\n`);
  let child: ChildProcess;
  try {
    child = spawn(
      jars.java,
      [
        `-Xms${Math.min(256, heapMb)}m`,
        `-Xmx${heapMb}m`,
        '-XX:+UseG1GC',
        '-XX:MaxGCPauseMillis=20',
        '-XX:+ExitOnOutOfMemoryError',
        ...commonJvmArgs,
        'kafka.Kafka',
        propsFile,
      ],
      // Its own process group: a Ctrl-C in the terminal reaches the caller, which stops the broker in order.
      { cwd: dataDir, stdio: ['ignore', fd, fd], env: { ...process.env }, detached: true },
    );
  } finally {
    closeSync(fd);
  }
  const pid = await spawned(child, JAVA_MISSING);
  await writeFile(pidFile, `${pid}\n`);

  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<void>((resolveExit) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolveExit();
    });
  });
  // Best effort: do not leave a broker behind when this process exits without calling stop().
  const killOnExit = (): void => {
    if (!exit) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (!exit) {
        child.kill('SIGTERM');
        if (!(await within(exited, 30_000))) {
          log(`kafka: broker pid ${pid} did not stop within 30 s of SIGTERM: sending SIGKILL`);
          child.kill('SIGKILL');
          await exited;
        }
      }
      process.removeListener('exit', killOnExit);
      await rm(pidFile, { force: true });
    })();
    return stopping;
  };

  const brokers = [`${LOOPBACK_HOST}:${port}`];
  const started = Date.now();
  log(`kafka: broker pid ${pid} starting on ${brokers[0]} (log: ${logFile})`);
  const deadline = started + readyTimeoutMs;
  const kafka = new Kafka({
    clientId: 'petalpost-infra-readiness',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: 3_000,
    retry: { retries: 0 },
  });
  for (;;) {
    if (exit) {
      await stop();
      throw new Error(`Kafka broker exited during startup (${describeExit(exit)}); last lines of ${logFile}:\n${await tailFile(logFile, 20)}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `Kafka broker not ready within ${readyTimeoutMs / 1000} s (pid ${pid} killed); last lines of ${logFile}:\n${await tailFile(logFile, 20)}`,
      );
    }
    if (await answersDescribeCluster(kafka)) break;
    await Promise.race([sleep(300), exited]);
  }
  log(`kafka: broker ready on ${brokers[0]} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { brokers, pid, dataDir, logFile, kafkaVersion: jars.version, stop };
}

// ---------------------------------------------------------------------------------------

async function answersDescribeCluster(kafka: Kafka): Promise<boolean> {
  const admin = kafka.admin({ retry: { retries: 0 } });
  try {
    const attempt = (async () => {
      await admin.connect();
      const cluster = await admin.describeCluster();
      return cluster.brokers.length > 0;
    })();
    attempt.catch(() => undefined);
    return (await within(attempt, 5_000)) ? await attempt : false;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Kafka cluster ids are 16 random bytes, URL-safe base64 without padding (as `kafka-storage random-uuid`). */
function randomClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id; // Kafka rejects ids that would parse as a CLI flag
  }
}

function assertKafkaVersion(version: string): void {
  if (!/^4\.\d+\.\d+$/.test(version)) {
    throw new Error(`Kafka version "${version}" is not a 4.x release (x.y.z): this tool runs KRaft-only Kafka 4.x`);
  }
}

async function readMarker(markerPath: string, libsDir: string, version: string): Promise<boolean> {
  try {
    const marker = JSON.parse(await readFile(markerPath, 'utf8')) as Partial<JarsMarker>;
    if (marker.version !== version || !Array.isArray(marker.jars)) return false;
    const present = new Set(await readdir(libsDir));
    return marker.jars.length > 0 && marker.jars.every((jar) => present.has(jar));
  } catch {
    return false;
  }
}

async function findExecutable(name: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      const s = await stat(candidate);
      if (s.isFile() && (s.mode & 0o111) !== 0) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

const NETWORK_ERROR =
  /(Unknown ?host|UnknownHostException|Could not transfer|Connection refused|Connect(ion)? timed out|Network is unreachable|No route to host|transfer failed|Temporary failure in name resolution|offline mode)/i;

function describeMavenFailure(output: string, version: string, cacheDir: string, libsDir: string): string {
  const errorLine =
    output
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l.startsWith('[ERROR]') && l.length > '[ERROR] '.length + 3) ?? lastLines(output, 1);
  const detail = errorLine.replace(/^\[ERROR\]\s*/, '').slice(0, 400);
  const avoid = `a jar cache under ${cacheDir} (${libsDir}) or KAFKA_BROKERS=<host:port> of a running broker avoids this`;
  if (NETWORK_ERROR.test(output)) {
    return `Cannot download the Kafka ${version} broker jars: Maven Central looks unreachable (network down?) and there is no jar cache; ${avoid}. mvn said: ${detail}`;
  }
  return `mvn failed to resolve ${KAFKA_BROKER_ARTIFACT}:${version} and there is no jar cache; ${avoid}. mvn said: ${detail}`;
}

/**
 * Finds a file of libs/infra/src/kafka/: next to this module (source run, or a build that copied
 * the folder), else in `libs/infra/src/kafka/` of the nearest ancestor (compiled into dist/).
 */
function findInfraFile(name: string): string {
  const direct = join(__dirname, 'kafka', name);
  if (existsSync(direct)) return direct;
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'libs', 'infra', 'src', 'kafka', name);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new Error(`libs/infra/src/kafka/${name} not found from ${__dirname}: run from the Petalpost repo, or pass its path explicitly`);
}

async function assertNoStaleBroker(pidFile: string, dataDir: string): Promise<void> {
  let pid: number;
  try {
    pid = Number.parseInt((await readFile(pidFile, 'utf8')).trim(), 10);
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) {
    await rm(pidFile, { force: true });
    return;
  }
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    // not Linux, or gone
  }
  if (cmdline.includes('kafka.Kafka') && cmdline.includes(dataDir)) {
    throw new Error(`a Kafka broker from an earlier run still uses ${dataDir} (pid ${pid}, see ${pidFile}): stop it (kill ${pid}) or use another data dir`);
  }
  await rm(pidFile, { force: true }); // pid reused by an unrelated process
}

function describeExit(exit: { code: number | null; signal: NodeJS.Signals | null }): string {
  return exit.signal ? `signal ${exit.signal}` : `exit code ${String(exit.code)}`;
}

/** Last `n` lines of a (possibly large) file, reading at most its last 64 KiB. */
export async function tailFile(file: string, n: number): Promise<string> {
  try {
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      const length = Math.min(size, 64 * 1024);
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, size - length);
      return lastLines(buffer.toString('utf8'), n);
    } finally {
      await handle.close();
    }
  } catch {
    return `(no ${file})`;
  }
}

function escapePropertyValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Resolves true if `promise` settles within `ms`, false otherwise (the promise keeps running). */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((r) => {
    timer = setTimeout(() => r(false), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
