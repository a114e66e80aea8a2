import { randomBytes } from 'node:crypto';
import { auditServer } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startHubProcess, type HubProcess } from '../support/hub-process.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * SHOULD and MAY items of the GraphQL-over-HTTP specification the hub does not meet on purpose;
 * the README explains each. Any other non-ok result fails the test.
 */
const ACCEPTED_DEVIATIONS = new Set([
  // CSRF prevention: a GET must carry a non-simple header, which the audit's GETs do not.
  '5A70',
  'D6D5',
  '6A70',
  // Apollo Server answers 400 to unparsable or invalid documents also under application/json.
  '572B',
  'FDE2',
  '7B9B',
]);

describe('GraphQL over HTTP conformance (graphql-http audit)', () => {
  let db: TestDatabase;
  let hub: HubProcess;

  beforeAll(async () => {
    db = await createTestDatabase();
    hub = await startHubProcess({
      DATABASE_URL: db.url,
      REDIS_URL: inject('redisUrl'),
      QUEUE_PREFIX: `gh${randomBytes(4).toString('hex')}`,
      PORT: '0',
      HOST: '127.0.0.1',
      DEMO_DOSSIERS: '200',
      RECONCILE_EVERY_SECONDS: '3600',
    });
  });

  afterAll(async () => {
    await hub?.stop();
    await db?.drop();
  });

  it('passes every MUST of the audit', async () => {
    const results = await auditServer({ url: hub.graphqlUrl });
    const failedMusts = results.filter((r) => r.status === 'error').map((r) => `${r.id} ${r.name}`);
    expect(failedMusts).toEqual([]);
    const unexpected = results.filter((r) => r.status !== 'ok' && !ACCEPTED_DEVIATIONS.has(r.id)).map((r) => `${r.id} ${r.name}`);
    expect(unexpected).toEqual([]);
    expect(results.length).toBeGreaterThan(50);
  });
});
