import { writeFile } from 'node:fs/promises';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { buildHubSchema } from '../src/schema/build-schema.js';

/** Writes schema.graphql from the type-graphql classes, sorted so the file is stable. */
export async function renderSchema(): Promise<string> {
  const schema = await buildHubSchema();
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await writeFile(new URL('../schema.graphql', import.meta.url), await renderSchema());
  console.log('schema.graphql written');
}
