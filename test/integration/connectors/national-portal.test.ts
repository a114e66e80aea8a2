import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DossierCreate, StatusWrite } from '../../../src/connectors/connector.js';
import { isConnectorError, type ConnectorError } from '../../../src/connectors/connector-error.js';
import { buildDemoDataset, type DemoDataset, type DemoDossier } from '../../../src/connectors/demo/demo-dataset.js';
import { NationalPortalConnector, type NationalPortalConnectorOptions } from '../../../src/connectors/national-portal/client.js';
import type { PortalGroundTruth } from '../../../src/connectors/national-portal/demo-portal.js';
import { hoSoFromInput, type PortalDossierInput } from '../../../src/connectors/national-portal/mapping.js';
import { PORTAL_PATHS } from '../../../src/connectors/national-portal/payload.js';
import { PortalRejectedError } from '../../../src/connectors/national-portal/portal-error.js';
import { createNationalPortalSimulator, type NationalPortalSimulator } from '../../../src/connectors/national-portal/simulator.js';
import { silentLogger } from '../../../src/logger.js';
import { makeDemoDataset, makeDemoDossier, provincialCopy } from './hand-made-dataset.js';
import { readWholeFeed } from './read-whole-feed.js';

const SEED = 20250701;
const ANCHOR = new Date('2025-10-01T00:00:00+07:00');

let dataset: DemoDataset;
const running: Array<{ close(): Promise<void> }> = [];
let unique = 0;

beforeAll(() => {
  dataset = buildDemoDataset({ seed: SEED, dossierCount: 2400, anchor: ANCHOR });
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((item) => item.close()));
});

async function start(data: DemoDataset = dataset, driftRate?: number): Promise<NationalPortalSimulator> {
  const simulator = createNationalPortalSimulator({ dataset: data, seed: SEED, ...(driftRate === undefined ? {} : { driftRate }) });
  await simulator.server.listen(0);
  running.push(simulator.server);
  return simulator;
}

function connect(simulator: NationalPortalSimulator, options: Partial<NationalPortalConnectorOptions> = {}): NationalPortalConnector {
  const connector = new NationalPortalConnector({ baseUrl: simulator.server.url, logger: silentLogger(), ...options });
  running.push(connector);
  return connector;
}

/** A dossier the demo portal does not hold, with a code unique to the test. */
function makeDossierInput(overrides: Partial<PortalDossierInput> = {}): PortalDossierInput {
  unique += 1;
  const receivedAt = new Date('2025-09-15T02:30:00Z');
  return {
    code: `000.00.37.H96-250915-${String(9000 + unique).padStart(4, '0')}`,
    procedureCode: '1.001193',
    procedureName: 'Đăng ký khai sinh',
    channel: 1,
    applicantName: 'Nguyễn Thị Lan',
    applicantPersonalId: '096190123456',
    status: 'RECEIVED',
    submittedAt: receivedAt,
    receivedAt,
    dueAt: new Date('2025-09-16T10:00:00Z'),
    finishedAt: null,
    returnedAt: null,
    agencyId: '000.00.37.H96',
    provinceCode: '96',
    communeCode: '32002',
    ...overrides,
  };
}

function makeStatusWrite(dossierCode: string, overrides: Partial<StatusWrite> = {}): StatusWrite {
  unique += 1;
  return {
    correctionId: `correction-${unique}`,
    dossierCode,
    status: 'RESOLVED',
    reason: 'Bộ Tư pháp đã giải quyết xong; đồng bộ trạng thái',
    at: new Date('2025-09-16T03:00:00Z'),
    ...overrides,
  };
}

/** A correction opening a dossier the demo portal does not hold, with a code unique to the test. */
function makeCreate(overrides: Partial<DossierCreate> = {}): DossierCreate {
  unique += 1;
  return {
    correctionId: `create-${unique}`,
    dossierCode: `000.00.37.H96-250915-${String(8000 + unique).padStart(4, '0')}`,
    procedureCode: '1.001193',
    communeCode: '32002',
    provinceCode: '96',
    applicantPersonalId: '096190123456',
    status: 'RESOLVED',
    receivedAt: new Date('2025-09-15T02:30:00Z'),
    dueAt: new Date('2025-09-16T10:00:00Z'),
    finishedAt: new Date('2025-09-15T08:00:00Z'),
    returnedAt: null,
    reason: 'Bộ Tư pháp đã giải quyết; Cổng chưa có hồ sơ',
    at: new Date('2025-09-16T03:00:00Z'),
    ...overrides,
  };
}

async function getJson(simulator: NationalPortalSimulator, pathAndQuery: string): Promise<{ error_code: string; message: string }> {
  return (await (await fetch(`${simulator.server.url}${pathAndQuery}`)).json()) as { error_code: string; message: string };
}

async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  try {
    await promise;
  } catch (error) {
    if (isConnectorError(error)) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

async function post(simulator: NationalPortalSimulator, path: string, body: unknown): Promise<{ error_code: string; message: string }> {
  const res = await fetch(`${simulator.server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await res.json()) as { error_code: string; message: string };
}

const countOf = (simulator: NationalPortalSimulator, path: string): number => simulator.server.requestCounts()[path] ?? 0;

describe('NationalPortalConnector against the national portal simulator', () => {
  it('mirrors the provincial dossiers except the ~2% the ground truth lists as lagging or missing', async () => {
    const simulator = await start();
    const truth = (await (await fetch(`${simulator.server.url}/__admin/ground-truth`)).json()) as PortalGroundTruth;
    const provincial = dataset.dossiers.filter((dossier): dossier is DemoDossier & { provincial: NonNullable<DemoDossier['provincial']> } => dossier.provincial !== null);
    const observed = new Map((await connect(simulator).dossiersByCode(provincial.map((dossier) => dossier.code))).map((o) => [o.dossierCode, o]));

    const missing = new Set(truth.missing.map((entry) => entry.dossierCode));
    const lagging = new Map(truth.lagging.map((entry) => [entry.dossierCode, entry.portalStatus]));
    expect(truth.provincial).toBe(provincial.length);
    expect((missing.size + lagging.size) / provincial.length).toBeCloseTo(0.02, 3);
    expect(missing.size).toBeGreaterThan(0);
    expect(lagging.size).toBeGreaterThan(0);
    expect(observed.size).toBe(truth.mirrored);
    for (const dossier of provincial) {
      const observation = observed.get(dossier.code);
      if (missing.has(dossier.code)) expect(observation).toBeUndefined();
      else expect(observation?.status).toBe(lagging.get(dossier.code) ?? dossier.provincial.status);
    }
    // 100 codes per read-back.
    expect(countOf(simulator, PORTAL_PATHS.lookup)).toBe(Math.ceil(provincial.length / 100));
  });

  it('creates a dossier and reads it back as an observation of the portal', async () => {
    const simulator = await start();
    const connector = connect(simulator);
    const input = makeDossierInput();
    expect(await connector.createPortalDossier(input)).toEqual({ ok: true, value: { dossierCode: input.code } });
    const [observation] = await connector.dossiersByCode([input.code]);
    expect(observation).toMatchObject({
      system: 'national-portal',
      dossierCode: input.code,
      procedureCode: '1.001193',
      provinceCode: '96',
      communeCode: '32002',
      applicantPersonalId: input.applicantPersonalId,
      nativeStatus: '2',
      status: 'RECEIVED',
      receivedAt: input.receivedAt,
      dueAt: input.dueAt,
      finishedAt: null,
    });
  });

  it('answers a create of a dossier it holds with DOSSIER_ALREADY_EXISTS, so the caller can update instead', async () => {
    const simulator = await start();
    const connector = connect(simulator);
    const input = makeDossierInput();
    await connector.createPortalDossier(input);
    const again = await connector.createPortalDossier({ ...input, status: 'PROCESSING' });
    expect(again).toMatchObject({ ok: false, error: { code: 'DOSSIER_ALREADY_EXISTS' } });
    const [observation] = await connector.dossiersByCode([input.code]);
    expect(observation?.status).toBe('RECEIVED');
  });

  it('writes a status with its progress line and reads both back', async () => {
    const simulator = await start();
    const connector = connect(simulator);
    const input = makeDossierInput();
    await connector.createPortalDossier(input);
    const write = makeStatusWrite(input.code, { status: 'RESOLVED' });

    expect(await connector.writeDossierStatus(write)).toEqual({ applied: true, nativeStatus: '9' });
    const [dossier] = await connector.lookupDossiers([input.code]);
    expect(dossier?.observation).toMatchObject({ status: 'RESOLVED', nativeStatus: '9', finishedAt: write.at });
    expect(dossier?.progress).toEqual([
      expect.objectContaining({ at: write.at, nativeState: '9', content: write.reason, actor: 'Trục liên thông' }),
    ]);
  });

  it('applies an update carrying the same correction id once', async () => {
    const simulator = await start();
    const connector = connect(simulator);
    const input = makeDossierInput();
    await connector.createPortalDossier(input);
    const write = makeStatusWrite(input.code, { status: 'PROCESSING' });

    expect((await connector.writeDossierStatus(write)).applied).toBe(true);
    const [first] = await connector.lookupDossiers([input.code]);
    expect(await connector.writeDossierStatus(write)).toEqual({ applied: false, nativeStatus: '4' });
    const [second] = await connector.lookupDossiers([input.code]);
    expect(second?.observation.sourceVersion).toBe(first?.observation.sourceVersion);
    expect(second?.progress).toHaveLength(1);
  });

  it('refuses a correction id reused for a different change, naming the reason', async () => {
    const simulator = await start();
    const connector = connect(simulator);
    const input = makeDossierInput();
    await connector.createPortalDossier(input);
    const write = makeStatusWrite(input.code, { status: 'PROCESSING' });
    await connector.writeDossierStatus(write);

    const error = await failure(connector.writeDossierStatus({ ...write, status: 'RESOLVED' }));
    expect(error).toBeInstanceOf(PortalRejectedError);
    expect(error).toMatchObject({ code: 'UPSTREAM_REJECTED', reason: 'CORRECTION_ID_REUSED', errorCode: '5', transient: false });
  });

  it('refuses a correction for a dossier it does not hold with DOSSIER_NOT_FOUND', async () => {
    const simulator = await start();
    const error = await failure(connect(simulator).writeDossierStatus(makeStatusWrite('000.00.37.H96-250915-0000')));
    expect(error).toMatchObject({ code: 'UPSTREAM_REJECTED', reason: 'DOSSIER_NOT_FOUND', errorCode: '2' });
  });

  it('sends progress ten lines per call and refuses eleven lines in one call', async () => {
    const simulator = await start();
    const connector = connect(simulator);
    const input = makeDossierInput();
    await connector.createPortalDossier(input);
    const lines = Array.from({ length: 23 }, (_, index) => ({
      dossierCode: input.code,
      at: new Date(Date.UTC(2025, 8, 15, 3, index)),
      status: 'PROCESSING' as const,
      content: `Bước xử lý ${index + 1}`,
    }));

    expect(await connector.addProgress(lines)).toEqual({ added: 23, duplicates: 0 });
    expect(countOf(simulator, PORTAL_PATHS.progress)).toBe(3);
    expect(await connector.addProgress(lines.slice(0, 4))).toEqual({ added: 0, duplicates: 4 });

    const eleven = Array.from({ length: 11 }, (_, index) => ({
      MaHoSo: input.code,
      NguoiXuLy: 'Cán bộ',
      ChucDanh: '',
      ThoiDiemXuLy: '20250915100000',
      PhongBanXuLy: '',
      NoiDungXuLy: `Dòng ${index}`,
      TrangThai: '4',
      NgayBatDau: '',
      NgayKetThucTheoQuyDinh: '',
    }));
    expect(await post(simulator, PORTAL_PATHS.progress, eleven)).toMatchObject({ error_code: '4' });
  });

  it('refuses a read-back of more than 100 codes in one call and leaves unknown codes out', async () => {
    const simulator = await start();
    const codes = Array.from({ length: 101 }, (_, index) => `unknown-${index}`);
    expect(await post(simulator, PORTAL_PATHS.lookup, { DanhSachMaHoSo: codes })).toMatchObject({ error_code: '4' });
    expect(await connect(simulator).dossiersByCode(codes)).toEqual([]);
  });

  it('replies "0" and "thành công" on success, and "3" "đã tồn tại" to a create of an existing code', async () => {
    const simulator = await start();
    const existing = dataset.dossiers.find((dossier) => dossier.provincial !== null) as DemoDossier;
    expect(await post(simulator, PORTAL_PATHS.lookup, { DanhSachMaHoSo: [existing.code] })).toMatchObject({
      error_code: '0',
      message: 'thành công',
    });
    const reply = await post(simulator, PORTAL_PATHS.create, [{ MaHoSo: existing.code }]);
    expect(reply.error_code).toBe('1');
    const duplicate = hoSoFromInput(makeDossierInput({ code: existing.code }));
    expect(await post(simulator, PORTAL_PATHS.create, [duplicate])).toEqual({
      error_code: '3',
      message: `Hồ sơ ${existing.code} đã tồn tại`,
    });
  });

  it.each([
    ['cut off mid-body', (body: string) => body.slice(0, Math.floor(body.length / 2))],
    ['of the wrong shape', () => JSON.stringify({ error_code: '0', message: 'thành công', DanhSachHoSo: [{ MaHoSo: 42 }] })],
    ['without its reply head', () => JSON.stringify({ data: [] })],
  ])('reports a reply %s as UPSTREAM_INVALID_RESPONSE', async (_, malform) => {
    const simulator = await start();
    simulator.server.malform = (res) => ({ ...res, body: malform(res.body) });
    simulator.server.setFaults({ malformedRate: 1 });
    const codes = dataset.dossiers.slice(0, 5).map((dossier) => dossier.code);
    const error = await failure(connect(simulator).dossiersByCode(codes));
    expect(error).toMatchObject({ code: 'UPSTREAM_INVALID_RESPONSE', transient: false });
    expect(countOf(simulator, PORTAL_PATHS.lookup)).toBe(1);
  });

  it('reports the portal UP with the number of dossiers it holds', async () => {
    const simulator = await start();
    const health = await connect(simulator).health();
    expect(health).toMatchObject({ system: 'national-portal', status: 'UP' });
    expect(health.detail).toMatch(/^\d+ dossiers$/);
  });

  it('lists every dossier it holds in a province once in its change feed, as the read-back has it', async () => {
    const simulator = await start();
    const connector = connect(simulator);
    const truth = (await (await fetch(`${simulator.server.url}/__admin/ground-truth`)).json()) as PortalGroundTruth;
    const missing = new Set(truth.missing.map((entry) => entry.dossierCode));
    for (const province of ['96', '51']) {
      const feed = await readWholeFeed(connector, province, { limit: 1_000 });
      const held = dataset.dossiers.filter((d) => d.provinceCode === province && d.provincial && !missing.has(d.code));
      expect(feed.read).toBe(held.length);
      expect(new Set(feed.latest.keys())).toEqual(new Set(held.map((d) => d.code)));
      const sample = held.slice(0, 150).map((d) => d.code);
      for (const observation of await connector.dossiersByCode(sample)) {
        expect(feed.latest.get(observation.dossierCode)).toEqual(observation);
      }
    }
    expect(countOf(simulator, PORTAL_PATHS.changes)).toBeLessThanOrEqual(4);
  });

  it('lists a dossier again after the cursor once an update, a create or a progress line changes it', async () => {
    const simulator = await start();
    const connector = connect(simulator);
    const before = await readWholeFeed(connector, '96', { limit: 1_000 });
    const [updated, progressed] = [...before.latest.values()].filter((o) => o.status === 'PROCESSING');
    if (!updated || !progressed) throw new Error('the dataset needs two dossiers in processing');
    const created = makeDossierInput();

    await connector.writeDossierStatus(makeStatusWrite(updated.dossierCode, { status: 'RESOLVED' }));
    await connector.createPortalDossier(created);
    await connector.addProgress([{ dossierCode: progressed.dossierCode, at: new Date('2025-09-20T03:00:00Z'), status: 'PROCESSING', content: 'Xác minh' }]);
    // A progress line the portal holds already changes nothing.
    await connector.addProgress([{ dossierCode: progressed.dossierCode, at: new Date('2025-09-20T03:00:00Z'), status: 'PROCESSING', content: 'Xác minh' }]);

    const after = await readWholeFeed(connector, '96', { cursor: before.cursor, limit: 2 });
    expect([...after.latest.keys()]).toEqual([updated.dossierCode, created.code, progressed.dossierCode]);
    expect(after.read).toBe(3);
    expect(after.latest.get(updated.dossierCode)?.status).toBe('RESOLVED');
    expect(Number(after.latest.get(progressed.dossierCode)?.sourceVersion)).toBe(Number(progressed.sourceVersion) + 1);
    expect(after.latest.get(created.code)).toMatchObject({ system: 'national-portal', status: 'RECEIVED', dueAt: created.dueAt });
    const idle = await connector.dossierChanges('96', after.cursor, 10);
    expect(idle).toEqual({ items: [], nextCursor: idle.nextCursor, hasMore: false });
  });

  it('refuses a feed cursor of another province with "1" and a page over 1,000 with "4"', async () => {
    const simulator = await start();
    const page = await connect(simulator).dossierChanges('96', null, 5);
    expect(page.items).toHaveLength(5);
    expect(await getJson(simulator, `${PORTAL_PATHS.changes}?MaTinh=51&ConTro=${page.nextCursor}`)).toMatchObject({ error_code: '1' });
    expect(await getJson(simulator, `${PORTAL_PATHS.changes}?MaTinh=96&SoLuong=1001`)).toMatchObject({ error_code: '4' });
    expect(await getJson(simulator, `${PORTAL_PATHS.changes}?MaTinh=9&SoLuong=10`)).toMatchObject({ error_code: '1' });
    expect(await getJson(simulator, `${PORTAL_PATHS.changes}?MaTinh=96&SoLuong=0`)).toMatchObject({ error_code: '1' });
    const error = await failure(connect(simulator).dossierChanges('51', page.nextCursor, 5));
    expect(error).toMatchObject({ code: 'UPSTREAM_REJECTED', reason: 'INVALID_PAYLOAD' });
  });

  it('mirrors the provincial copy’s legacy commune code and due date', async () => {
    const legacy = makeDemoDossier();
    legacy.provincial = provincialCopy(legacy, { communeCode: '32011' });
    const ownDue = makeDemoDossier();
    const dueAtMs = Date.parse('2025-09-19T17:00:00+07:00');
    ownDue.provincial = provincialCopy(ownDue, { dueAtMs });
    const plain = makeDemoDossier();
    const simulator = await start(makeDemoDataset([legacy, ownDue, plain]), 0);
    const connector = connect(simulator);

    const { latest } = await readWholeFeed(connector, '96');
    const looked = new Map((await connector.lookupDossiers([legacy.code, ownDue.code])).map((d) => [d.observation.dossierCode, d]));

    expect(latest.get(legacy.code)?.communeCode).toBe('32011');
    expect(looked.get(legacy.code)?.observation.communeCode).toBe('32011');
    expect(latest.get(ownDue.code)?.dueAt).toEqual(new Date(dueAtMs));
    expect(looked.get(ownDue.code)?.observation.dueAt).toEqual(new Date(dueAtMs));
    expect(latest.get(plain.code)).toMatchObject({ communeCode: plain.communeCode, dueAt: new Date(plain.dueAtMs ?? 0) });
    // The seeded progress lines say so too, and survive the record's first change.
    expect(looked.get(ownDue.code)?.progress.map((line) => line.content)).toEqual(['Tiếp nhận hồ sơ', 'Chuyển xử lý']);
    await connector.writeDossierStatus(makeStatusWrite(ownDue.code, { status: 'RESOLVED' }));
    const [changed] = await connector.lookupDossiers([ownDue.code]);
    expect(changed?.observation).toMatchObject({ status: 'RESOLVED', dueAt: new Date(dueAtMs) });
    expect(changed?.progress).toHaveLength(3);
  });

  it('opens a dossier it lacks as a correction, and answers a resend as not applied', async () => {
    const simulator = await start();
    const connector = connect(simulator);
    const create = makeCreate();

    expect(await connector.createDossier(create)).toEqual({ applied: true, nativeStatus: '9' });
    const [first] = await connector.lookupDossiers([create.dossierCode]);
    expect(first?.observation).toMatchObject({
      system: 'national-portal',
      dossierCode: create.dossierCode,
      procedureCode: '1.001193',
      communeCode: '32002',
      provinceCode: '96',
      applicantPersonalId: create.applicantPersonalId,
      nativeStatus: '9',
      status: 'RESOLVED',
      receivedAt: create.receivedAt,
      dueAt: create.dueAt,
      finishedAt: create.finishedAt,
      returnedAt: null,
    });
    expect(first?.progress).toEqual([expect.objectContaining({ at: create.at, content: create.reason, actor: 'Trục liên thông' })]);
    const { cursor } = await readWholeFeed(connector, '96', { limit: 1_000 });

    expect(await connector.createDossier(create)).toEqual({ applied: false, nativeStatus: '9' });
    const [again] = await connector.lookupDossiers([create.dossierCode]);
    expect(again?.observation.sourceVersion).toBe(first?.observation.sourceVersion);
    expect(again?.progress).toHaveLength(1);
    expect((await readWholeFeed(connector, '96', { cursor })).read).toBe(0);
    expect(simulator.statusOf(create.dossierCode)).toBe('RESOLVED');
  });

  it('refuses a create correction id reused for other facts, creating nothing', async () => {
    const simulator = await start();
    const connector = connect(simulator);
    const create = makeCreate();
    await connector.createDossier(create);

    const otherStatus = await failure(connector.createDossier({ ...create, status: 'RESULT_RETURNED', returnedAt: create.at }));
    expect(otherStatus).toMatchObject({ code: 'UPSTREAM_REJECTED', reason: 'CORRECTION_ID_REUSED', errorCode: '5', transient: false });
    const otherCode = makeCreate().dossierCode;
    const otherDossier = await failure(connector.createDossier({ ...create, dossierCode: otherCode }));
    expect(otherDossier).toMatchObject({ reason: 'CORRECTION_ID_REUSED' });
    expect(simulator.statusOf(otherCode)).toBeNull();
    expect(simulator.statusOf(create.dossierCode)).toBe('RESOLVED');
  });

  it('mirrors a create onto a dossier the portal held already, without blanking what the hub does not know', async () => {
    const simulator = await start();
    const connector = connect(simulator);
    const input = makeDossierInput();
    await connector.createPortalDossier(input);
    const create = makeCreate({ dossierCode: input.code, status: 'PROCESSING', finishedAt: null });

    expect(await connector.createDossier(create)).toEqual({ applied: true, nativeStatus: '4' });
    const record = (await (await fetch(`${simulator.server.url}${PORTAL_PATHS.lookup}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ DanhSachMaHoSo: [input.code] }),
    }).then((res) => res.json())) as { DanhSachHoSo: { ChuHoSo: string; TrangThaiHoSo: string }[] });
    expect(record.DanhSachHoSo[0]).toMatchObject({ ChuHoSo: input.applicantName, TrangThaiHoSo: '4' });
  });

  it('refuses a create whose code names no full agency id, creating nothing', async () => {
    const simulator = await start();
    const create = makeCreate({ dossierCode: 'H96-250915-0001' });
    const error = await failure(connect(simulator).createDossier(create));
    expect(error).toMatchObject({ code: 'UPSTREAM_REJECTED', reason: 'INVALID_PAYLOAD' });
    expect(simulator.statusOf(create.dossierCode)).toBeNull();
  });
});
