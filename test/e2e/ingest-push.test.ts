import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildDemoDataset, type DemoDossier } from '../../src/connectors/demo/demo-dataset.js';
import { generateWebhookSecret } from '../../src/http/webhook-signature.js';
import { startHubProcess, type HubProcess } from '../support/hub-process.js';
import { createTestDatabase, eventually, type TestDatabase } from '../support/test-database.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Runs `lienthong push …` as a user would; resolves with its exit code and output. */
function lienthongPush(args: string[], stdin?: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/lienthong.js', 'push', ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => resolve({ code, out }));
    child.stdin.end(stdin ?? '');
  });
}

describe('sender tooling against the started hub', () => {
  let db: TestDatabase;
  let hub: HubProcess;
  const secret = generateWebhookSecret();
  const dossier = buildDemoDataset({ seed: 5, dossierCount: 20, anchor: new Date('2026-11-20T00:00:00+07:00') }).dossiers[0] as DemoDossier;
  const data = {
    dossierCode: dossier.code,
    procedureCode: dossier.procedureCode,
    provinceCode: dossier.provinceCode,
    communeCode: dossier.communeCode,
    status: 'PROCESSING',
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    hub = await startHubProcess({
      DATABASE_URL: db.url,
      REDIS_URL: inject('redisUrl'),
      QUEUE_PREFIX: `push${randomBytes(4).toString('hex')}`,
      PORT: '0',
      HOST: '127.0.0.1',
      DEMO_DOSSIERS: '200',
      RECONCILE_PROVINCES: '',
      INGEST_SECRETS: `specialized=${secret}`,
      DEMO_PUSH_EVERY_SECONDS: '0.5',
    });
  });

  afterAll(async () => {
    await hub?.stop();
    await db?.drop();
  });

  it('the provincial simulator pushes its changes in demo mode, numbered, and the hub applies them', async () => {
    const rows = await eventually(
      async () => {
        const found = await db.sql<{ sequence: string; status: string; channel: string }[]>`
          select sequence::text, status, channel from inbound_events where system = 'provincial' order by inbound_events.sequence`;
        return found.length >= 6 && found.every((r) => r.status !== 'ACCEPTED') ? found : undefined;
      },
      { what: 'demo pushes to be applied', timeoutMs: 60_000, intervalMs: 200 },
    );
    expect(rows.map((r) => r.sequence).slice(0, 6)).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(rows.every((r) => r.channel === 'WEBHOOK' && (r.status === 'APPLIED' || r.status === 'SUPERSEDED'))).toBe(true);
    const [gaps] = await db.sql<{ n: number }[]>`select count(*)::int as n from sequence_gaps where system = 'provincial'`;
    expect(gaps?.n).toBe(0);
  });

  it('`lienthong push` signs and sends one event from options', async () => {
    const { code, out } = await lienthongPush([
      '--hub', hub.graphqlUrl,
      '--system', 'specialized',
      '--secret', secret,
      '--type', 'dossier.status_changed',
      '--id', 'cli-1',
      '--version', '7',
      '--data', JSON.stringify(data),
    ]);
    expect(code).toBe(0);
    const line = JSON.parse(out.trim().split('\n').at(-1) as string) as { status: number; answer: { accepted: number } };
    expect(line.status).toBe(200);
    expect(line.answer.accepted).toBe(1);
    await eventually(async () => {
      const [row] = await db.sql<{ status: string }[]>`select status from inbound_events where system = 'specialized' and event_id = 'cli-1'`;
      return row?.status === 'APPLIED' ? true : undefined;
    });
  });

  it('`lienthong push -` sends a batch from standard input, and exits 1 with the reasons when the hub refuses', async () => {
    const batch = [2, 3].map((v) => ({ id: `cli-batch-${v}`, type: 'dossier.status_changed', version: 7 + v, data: { ...data, status: 'SUPPLEMENT_REQUESTED' } }));
    const ok = await lienthongPush(['--hub', hub.graphqlUrl, '--system', 'specialized', '--secret', secret, '-'], JSON.stringify(batch));
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('"accepted":2');

    const refused = await lienthongPush(['--hub', hub.graphqlUrl, '--system', 'specialized', '--secret', generateWebhookSecret(), '-'], JSON.stringify(batch));
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('SIGNATURE_INVALID');

    const invalid = await lienthongPush(
      ['--hub', hub.graphqlUrl, '--system', 'specialized', '--secret', secret, '-'],
      JSON.stringify([{ id: 'cli-bad', type: 'dossier.status_changed', data: { ...data, communeCode: 'x' } }]),
    );
    expect(invalid.code).toBe(1);
    expect(invalid.out).toContain('data.communeCode');
  });

  it('`lienthong push --new-secret` prints a whsec_ secret', async () => {
    const { code, out } = await lienthongPush(['--new-secret']);
    expect(code).toBe(0);
    expect(out.trim()).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  });
});
