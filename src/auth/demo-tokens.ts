import type { Role, Scope } from './roles.js';
import { mintToken, type TokenRequest } from './token-verifier.js';

/** The people a demo of the hub acts as, one per kind of access. */
export const DEMO_IDENTITIES: ReadonlyArray<{ label: string; request: TokenRequest }> = [
  {
    label: 'commune officer, Phường Bạc Liêu (Cà Mau), may look up citizens',
    request: {
      subject: 'demo-commune-officer',
      name: 'Nguyễn Thị Lan',
      agency: 'UBND phường Bạc Liêu',
      units: ['31825'],
      roles: ['COMMUNE_OFFICER'] as Role[],
      scopes: ['population:lookup'] as Scope[],
    },
  },
  {
    label: 'commune officer without population lookup',
    request: { subject: 'demo-commune-clerk', name: 'Trần Văn Bình', units: ['31825'], roles: ['COMMUNE_OFFICER'] as Role[] },
  },
  {
    label: 'province officer, Cà Mau, with population lookup and confidential documents',
    request: {
      subject: 'demo-province-officer',
      name: 'Lê Minh Tuấn',
      agency: 'Văn phòng UBND tỉnh Cà Mau',
      units: ['96'],
      roles: ['PROVINCE_OFFICER'] as Role[],
      scopes: ['population:lookup', 'documents:confidential'] as Scope[],
    },
  },
  {
    label: 'auditor (nationwide; runs, reports, audit trail, no citizen data)',
    request: { subject: 'demo-auditor', name: 'Phạm Thu Hà', agency: 'Thanh tra', units: ['VN'], roles: ['AUDITOR'] as Role[] },
  },
  {
    label: 'operator (nationwide; systems, ingest, reconciliation)',
    request: { subject: 'demo-operator', name: 'Đỗ Quang Huy', units: ['VN'], roles: ['OPERATOR'] as Role[] },
  },
];

export async function demoTokens(secret: string, issuer: string, audience: string): Promise<Array<{ label: string; token: string }>> {
  return Promise.all(DEMO_IDENTITIES.map(async ({ label, request }) => ({ label, token: await mintToken(secret, issuer, audience, request) })));
}
