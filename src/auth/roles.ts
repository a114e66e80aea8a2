/**
 * Scopes are the unit of permission; roles are named bundles of them. A token may carry extra
 * scopes beyond its roles' (e.g. `population:lookup` for the officers allowed to query the
 * population database: in Cà Mau 584 of 1,794 one-stop-shop accounts).
 */
export const SCOPES = [
  'dossiers:read',
  'documents:read',
  /** Content of documents marked Mật, Tối mật or Tuyệt mật. */
  'documents:confidential',
  /** Any citizen field (population database, civil registration). */
  'population:lookup',
  'reconciliation:read',
  'reconciliation:request',
  /** Settle mismatches (waive, escalate, confirm resolved) and change reconciliation schedules. */
  'reconciliation:resolve',
  'audit:read',
  /** "Who read my data": the access log of one personal id, for a citizen portal. */
  'access-log:read',
  'systems:read',
  'ingest:read',
] as const;

export type Scope = (typeof SCOPES)[number];

export const ROLES = {
  COMMUNE_OFFICER: ['dossiers:read', 'documents:read'],
  PROVINCE_OFFICER: ['dossiers:read', 'documents:read', 'reconciliation:read', 'reconciliation:request', 'reconciliation:resolve', 'systems:read'],
  AUDITOR: ['reconciliation:read', 'audit:read', 'access-log:read', 'systems:read', 'ingest:read'],
  OPERATOR: ['systems:read', 'ingest:read', 'reconciliation:read', 'reconciliation:request', 'reconciliation:resolve'],
  CITIZEN_PORTAL: ['access-log:read'],
} as const satisfies Record<string, readonly Scope[]>;

export type Role = keyof typeof ROLES;

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

export function isRole(value: string): value is Role {
  return Object.hasOwn(ROLES, value);
}

export function scopesOf(roles: readonly Role[], extra: readonly Scope[]): Set<Scope> {
  return new Set([...roles.flatMap((r) => ROLES[r]), ...extra]);
}
