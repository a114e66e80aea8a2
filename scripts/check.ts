import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderSchema } from './emit-schema.js';

/**
 * `npm run check`: types, lint, and drift of the generated artifacts. schema.graphql must equal
 * what the type-graphql classes emit; migrations/ must already hold every change of the drizzle
 * schema (drizzle-kit generate, run on a copy, must find nothing to add); the typed operations
 * must equal what graphql-codegen makes of schema.graphql and operations/.
 */

const root = new URL('..', import.meta.url).pathname;
let failed = false;

function step(name: string, command: string, args: string[]): void {
  process.stdout.write(`\n▶ ${name}\n`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env });
  if (result.status !== 0) {
    failed = true;
    process.stdout.write(`✗ ${name} failed\n`);
  } else {
    process.stdout.write(`✓ ${name}\n`);
  }
}

async function schemaDrift(): Promise<void> {
  process.stdout.write('\n▶ schema.graphql drift\n');
  const expected = await renderSchema();
  const actual = await readFile(join(root, 'schema.graphql'), 'utf8').catch(() => '');
  if (expected !== actual) {
    failed = true;
    process.stdout.write('✗ schema.graphql is stale: run `npm run schema:emit` and commit the result\n');
  } else {
    process.stdout.write('✓ schema.graphql matches the code\n');
  }
}

async function migrationDrift(): Promise<void> {
  process.stdout.write('\n▶ migrations drift\n');
  // drizzle-kit resolves `out` against the working directory, so the scratch copy lives inside
  // the repository (ignored by git) and is named by a relative path.
  const name = `.drift-${randomBytes(4).toString('hex')}`;
  const scratch = join(root, name);
  try {
    await cp(join(root, 'migrations'), scratch, { recursive: true });
    const before = [...(await readdir(scratch)), 'drizzle.drift.config.ts'].sort();
    // The schema files are the ones drizzle.config.ts lists; only the output folder differs.
    const config = join(scratch, 'drizzle.drift.config.ts');
    await writeFile(config, `import base from '../drizzle.config.ts';\nexport default { ...base, out: './${name}' };\n`);
    const result = spawnSync('npx', ['drizzle-kit', 'generate', '--config', config, '--name', 'drift'], {
      cwd: root,
      encoding: 'utf8',
      env: process.env,
    });
    const after = (await readdir(scratch)).sort();
    const added = after.filter((f) => !before.includes(f));
    const output = `${result.stdout}${result.stderr}`;
    // drizzle-kit can print an error and still exit 0: its output is checked too.
    if (result.status !== 0 || /error/i.test(output.replace(/nodedir/g, ''))) {
      failed = true;
      process.stdout.write(`✗ drizzle-kit generate failed:\n${output}\n`);
    } else if (added.length > 0) {
      failed = true;
      process.stdout.write(`✗ migrations/ is stale: the schema has changes no migration holds (${added.join(', ')}); run \`npm run db:generate\`, review and commit the SQL\n`);
    } else {
      process.stdout.write('✓ migrations/ holds every schema change\n');
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function codegenDrift(): Promise<void> {
  process.stdout.write('\n▶ generated operations drift\n');
  const file = join(root, 'src/generated/operations.ts');
  const before = await readFile(file, 'utf8').catch(() => '');
  const result = spawnSync('npx', ['graphql-codegen', '--config', 'codegen.yml', '--silent'], { cwd: root, encoding: 'utf8', env: process.env });
  const after = await readFile(file, 'utf8').catch(() => '');
  if (result.status !== 0) {
    failed = true;
    process.stdout.write(`✗ graphql-codegen failed:\n${result.stdout}${result.stderr}\n`);
  } else if (before !== after) {
    failed = true;
    await writeFile(file, before);
    process.stdout.write('✗ src/generated/operations.ts is stale: run `npm run codegen` and commit the result\n');
  } else {
    process.stdout.write('✓ src/generated/operations.ts matches schema.graphql and operations/\n');
  }
}

step('types (tsc)', 'npx', ['tsc', '--noEmit', '-p', '.']);
step('lint (eslint, type-aware)', 'npx', ['eslint', '.', '--max-warnings', '0']);
await schemaDrift();
await migrationDrift();
await codegenDrift();
process.stdout.write(failed ? '\ncheck failed\n' : '\ncheck passed\n');
process.exit(failed ? 1 : 0);
