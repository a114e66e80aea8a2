import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditRepository, type AuditEntry } from '../../../src/db/audit.repository.js';
import { verifyAuditChain } from '../../../src/services/audit-verify.service.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

function entry(n: number): AuditEntry {
  return {
    action: 'CITIZEN_READ',
    actor: `officer-${n % 3}`,
    actorUnit: '32248',
    subjectPersonalId: `0960850${String(n).padStart(5, '0')}`,
    purpose: 'PROCESS_DOSSIER',
    reference: `000.00.12.H96-261104-${String(n).padStart(4, '0')}`,
    fields: ['fullName', 'birthDate'],
    requestId: `r-${n}`,
    detail: { n, note: 'đọc dữ liệu' },
  };
}

function auditVerifyCli(url: string): { status: number | null; out: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', 'audit', 'verify'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url },
    encoding: 'utf8',
  });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

describe('the audit trail', () => {
  let db: TestDatabase;
  let audit: AuditRepository;

  beforeEach(async () => {
    db = await createTestDatabase();
    audit = new AuditRepository(db.sql);
    // Concurrent writers must still build one unbroken chain.
    await Promise.all(Array.from({ length: 40 }, (_, i) => audit.append([entry(i)])));
    await audit.append([entry(100), entry(101), entry(102)]);
  });

  afterEach(async () => {
    await db.drop();
  });

  it('is one unbroken hash chain even when written concurrently', async () => {
    const result = await verifyAuditChain(db.sql);
    expect(result).toEqual({ ok: true, checked: 43, firstBroken: null });
    const cli = auditVerifyCli(db.url);
    expect(cli.status).toBe(0);
    expect(cli.out).toContain('43 events');
  });

  it('refuses UPDATE and DELETE from the application, in PostgreSQL', async () => {
    await expect(db.sql`update audit_events set actor = 'someone-else' where seq = 5`).rejects.toThrow(/append-only/);
    await expect(db.sql`delete from audit_events where seq = 5`).rejects.toThrow(/append-only/);
    await expect(
      db.sql.begin(async (tx) => {
        await tx`set local role lienthong_app`;
        await tx`update audit_events set actor = 'x' where seq = 1`;
      }),
    ).rejects.toThrow(/permission denied|append-only/);
  });

  it('names the first broken event when a superuser alters a row, and the CLI exits non-zero', async () => {
    await db.sql.begin(async (tx) => {
      await tx`set local session_replication_role = replica`;
      await tx`update audit_events set purpose = 'VERIFY_IDENTITY' where seq = 17`;
    });
    const result = await verifyAuditChain(db.sql);
    expect(result.ok).toBe(false);
    expect(result.firstBroken?.seq).toBe(17);
    expect(result.firstBroken?.reason).toMatch(/altered/);
    const cli = auditVerifyCli(db.url);
    expect(cli.out).toContain('BROKEN');
    expect(cli.status).toBe(1);
    expect(cli.out).toContain('event 17');
  });

  it('names the gap when a superuser deletes a row', async () => {
    await db.sql.begin(async (tx) => {
      await tx`set local session_replication_role = replica`;
      await tx`delete from audit_events where seq = 30`;
    });
    const result = await verifyAuditChain(db.sql);
    expect(result.firstBroken?.seq).toBe(30);
    expect(result.firstBroken?.reason).toMatch(/missing/);
  });

  it('notices events removed from the end of the chain', async () => {
    await db.sql.begin(async (tx) => {
      await tx`set local session_replication_role = replica`;
      await tx`delete from audit_events where seq >= 42`;
    });
    const result = await verifyAuditChain(db.sql);
    expect(result.ok).toBe(false);
    expect(result.firstBroken?.reason).toMatch(/head/);
  });
});
