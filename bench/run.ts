import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * `npm run bench -- <name> [options]`: runs `bench/<name>.ts` (e.g. `query`, `ingest`) as its own
 * process with the given options, so each benchmark stays a self-contained script that also runs
 * as `npx tsx bench/<name>.ts`.
 */
const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
/** Modules in bench/ that are parts of benchmarks, not benchmarks. */
const NOT_BENCHMARKS = new Set(['run', 'floor-server', 'simulators', 'reconcile-simulators']);

const available = readdirSync(BENCH_DIR)
  .filter((f) => f.endsWith('.ts') && !NOT_BENCHMARKS.has(f.slice(0, -3)))
  .map((f) => f.slice(0, -3))
  .sort();
const [name, ...rest] = process.argv.slice(2);
if (!name || !/^[a-z0-9-]+$/.test(name) || !existsSync(`${BENCH_DIR}${name}.ts`) || NOT_BENCHMARKS.has(name)) {
  process.stderr.write(`usage: npm run bench -- <name> [options]\nbenchmarks: ${available.join(', ')}\n`);
  process.exit(2);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', `${BENCH_DIR}${name}.ts`, ...rest], { stdio: 'inherit' });
process.exit(result.status ?? 1);
