import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoDataset } from '../../../src/connectors/demo/demo-dataset.js';
import { createNationalPortalSimulator } from '../../../src/connectors/national-portal/simulator.js';
import { createProvincialSimulator } from '../../../src/connectors/provincial/simulator.js';
import type { SimulatorServer } from '../../../src/connectors/simulator-kit.js';
import { createSpecializedSimulator } from '../../../src/connectors/specialized/simulator.js';
import { makeDemoDataset, makeDemoDossier } from './hand-made-dataset.js';

/**
 * The simulators write their change-feed pages as text straight into bytes, record by record,
 * and answer lookups and writes with objects through JSON.stringify. Both must put the same
 * bytes on the wire: every page is what JSON.stringify writes (escapes, numbers, key order), and
 * each record in it is the record the lookup gives, with names that need escaping or are not ASCII.
 */
const NAMES = [
  'Nguyễn "Út" \\ Lan',
  'tab\there, new\nline, bell\u0007',
  'a lone \ud800 surrogate',
  'an emoji 😀, a line separator \u2028',
  'Đặng Thị Ánh',
];

interface Wire {
  name: string;
  server: SimulatorServer;
  /** The path of the page after `page` (1-based) pages of `size` records, given the last page's body. */
  pagePath: (page: number, size: number, previous: Record<string, unknown> | null) => string | null;
  records: string;
  pageKeys: string[];
  codeOf: (record: Record<string, unknown>) => string;
  lookup: (codes: string[]) => Promise<Record<string, unknown>[]>;
}

const wires: Wire[] = [];

beforeAll(async () => {
  const dossiers = NAMES.map((applicantName, index) =>
    makeDemoDossier({ applicantName, procedureName: index === 0 ? 'Đăng ký "khai sinh"\t\\' : 'Đăng ký khai sinh' }),
  );
  const dataset = makeDemoDataset([...dossiers, ...buildDemoDataset({ seed: 7, anchor: new Date('2026-03-02T10:00:00+07:00'), dossierCount: 40, provinceCodes: ['96'] }).dossiers]);
  const provincial = createProvincialSimulator({ dataset, seed: 7 });
  const specialized = createSpecializedSimulator({ dataset, seed: 7 });
  const portal = createNationalPortalSimulator({ dataset, seed: 7, driftRate: 0 });
  const [p, s, n] = await Promise.all([provincial.server.listen(0), specialized.server.listen(0), portal.server.listen(0)]);

  // Records of their own, received through the write endpoints, with the same names.
  for (const [index, name] of NAMES.entries()) {
    const code = `000.00.37.H96-260301-${String(index + 1).padStart(4, '0')}`;
    await postJson(`${p}/api/v1/hoso`, {
      MaYeuCau: `receipt-${index}`, MaHoSo: code, MaTTHC: '1.001193', TenTTHC: name, ChuHoSo: name, MaXa: '32002', MaTinh: '96',
      TrangThaiHoSo: 2, NgayTiepNhan: '20260301080000', NgayHenTra: '', NgayKetThucXuLy: '', NgayTra: '', LyDo: name, ThoiDiem: '20260301080000',
    });
    await postJson(`${s}/api/cases`, {
      correctionId: `transfer-${index}`, nationalDossierCode: code, procedureCode: '1.001193', procedureName: name, provinceCode: '96', communeCode: '32002',
      applicant: { fullName: name, personalId: null }, status: 'accepted', receivedAt: '2026-03-01T08:00:00.000+07:00', dueAt: null, decidedAt: null,
      deliveredAt: null, reason: name, at: '2026-03-01T08:00:00.000+07:00',
    });
    await postJson(`${n}/api/hoso/themmoi`, [{
      MaHoSo: code, MaTTHC: '1.001193', TenTTHC: name, KenhThucHien: '2', LoaiDoiTuong: '1', ChuHoSo: name, SoGiayToChuHoSo: '', DinhDanhCHS: [],
      TrichYeuHoSo: name, NgayNopHoSo: '20260301080000', NgayTiepNhan: '', NgayHenTra: '', NgayTra: '', NgayKetThucXuLy: '', NgayTuChoi: '',
      TrangThaiHoSo: '1', DonViXuLy: '000.00.37.H96', MaTinh: '96', MaXa: '32002', NoiNopHoSo: '2', GhiChu: name,
    }]);
  }

  const cursorAfter = (previous: Record<string, unknown> | null, path: string): string | null => {
    if (previous === null) return path;
    return previous['ConDuLieu'] === true ? `${path}&ConTro=${String(previous['ConTro'])}` : null;
  };
  wires.push(
    {
      name: 'provincial',
      server: provincial.server,
      pagePath: (_page, size, previous) => cursorAfter(previous, `${p}/api/v1/hoso/thaydoi?MaTinh=96&SoLuong=${size}`),
      records: 'DuLieu',
      pageKeys: ['MaLoi', 'ThongBao', 'DuLieu', 'ConTro', 'ConDuLieu'],
      codeOf: (record) => String(record['MaHoSo']),
      lookup: async (codes) => (await postJson(`${p}/api/v1/hoso/tracuu`, { DanhSachMaHoSo: codes }))['DuLieu'] as Record<string, unknown>[],
    },
    {
      name: 'specialized',
      server: specialized.server,
      pagePath: (page, size, previous) =>
        previous !== null && page > Number(previous['totalPages']) ? null : `${s}/api/cases?province=96&page=${page}&pageSize=${size}`,
      records: 'data',
      pageKeys: ['data', 'page', 'pageSize', 'totalPages', 'totalItems'],
      codeOf: (record) => String(record['nationalDossierCode']),
      lookup: async (codes) => {
        const answer = await fetch(`${s}/api/cases/by-national-code?codes=${codes.map(encodeURIComponent).join(',')}`);
        return ((await answer.json()) as { data: Record<string, unknown>[] }).data;
      },
    },
    {
      name: 'national-portal',
      server: portal.server,
      pagePath: (_page, size, previous) => cursorAfter(previous, `${n}/api/hoso/thaydoi?MaTinh=96&SoLuong=${size}`),
      records: 'DanhSachHoSo',
      pageKeys: ['error_code', 'message', 'DanhSachHoSo', 'ConTro', 'ConDuLieu'],
      codeOf: (record) => String(record['MaHoSo']),
      // The read-back adds the progress lines after the listed fields.
      lookup: async (codes) =>
        ((await postJson(`${n}/api/hoso/tracuu`, { DanhSachMaHoSo: codes }))['DanhSachHoSo'] as Record<string, unknown>[]).map(
          ({ QuaTrinhXuLy: _progress, ...summary }) => summary,
        ),
    },
  );
});

afterAll(async () => {
  await Promise.all(wires.map((wire) => wire.server.close()));
});

describe('change-feed pages on the wire', () => {
  it.each(['provincial', 'specialized', 'national-portal'])('%s: every page is what JSON.stringify writes, each record what its lookup gives', async (name) => {
    const wire = wires.find((candidate) => candidate.name === name) as Wire;
    const records: Record<string, unknown>[] = [];
    let previous: Record<string, unknown> | null = null;
    for (let page = 1; ; page += 1) {
      const path = wire.pagePath(page, 7, previous);
      if (path === null) break;
      const answer = await fetch(path);
      const bytes = Buffer.from(await answer.arrayBuffer());
      const text = bytes.toString('utf8');
      expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(Number(answer.headers.get('content-length'))).toBe(bytes.length);
      const body = JSON.parse(text) as Record<string, unknown>;
      expect(text).toBe(JSON.stringify(body));
      expect(Object.keys(body)).toEqual(wire.pageKeys);
      records.push(...(body[wire.records] as Record<string, unknown>[]));
      previous = body;
    }
    const codes = records.map(wire.codeOf);
    expect(new Set(codes).size).toBe(codes.length);
    const looked = new Map<string, Record<string, unknown>>();
    for (let start = 0; start < codes.length; start += 50) {
      for (const record of await wire.lookup(codes.slice(start, start + 50))) looked.set(wire.codeOf(record), record);
    }
    for (const record of records) expect(JSON.stringify(record)).toBe(JSON.stringify(looked.get(wire.codeOf(record))));
    // Every name made it through as written, in the seeded records and in those received.
    const text = JSON.stringify(records);
    for (const name of NAMES) expect(text.split(JSON.stringify(name)).length - 1).toBeGreaterThanOrEqual(2);
  });
});

async function postJson(url: string, body: unknown): Promise<Record<string, unknown>> {
  const answer = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const reply = (await answer.json()) as Record<string, unknown>;
  if (answer.status >= 300) throw new Error(`${url} answered ${answer.status}: ${JSON.stringify(reply)}`);
  return reply;
}
