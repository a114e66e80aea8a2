/**
 * Who is calling, as the hub knows it after verifying a token. Units are province (2 digits) or
 * commune (5 digits) codes; `VN` means nationwide.
 */
export interface Principal {
  kind: 'USER' | 'SYSTEM' | 'ANONYMOUS';
  subject: string;
  name: string | null;
  agency: string | null;
  units: readonly string[];
  roles: readonly string[];
  scopes: ReadonlySet<string>;
}

export const ANONYMOUS: Principal = {
  kind: 'ANONYMOUS',
  subject: 'anonymous',
  name: null,
  agency: null,
  units: [],
  roles: [],
  scopes: new Set(),
};

/** The units a principal may see dossiers of; `all` for nationwide principals. */
export interface UnitScope {
  all: boolean;
  provinces: readonly string[];
  communes: readonly string[];
}

export const NATIONWIDE = 'VN';

export function unitScopeOf(principal: Principal): UnitScope {
  return {
    all: principal.units.includes(NATIONWIDE),
    provinces: principal.units.filter((u) => /^\d{2}$/.test(u)),
    communes: principal.units.filter((u) => /^\d{5}$/.test(u)),
  };
}

/** True when a dossier of this province and commune lies within the scope. */
export function inUnitScope(scope: UnitScope, provinceCode: string, communeCode: string | null): boolean {
  return scope.all || scope.provinces.includes(provinceCode) || (communeCode !== null && scope.communes.includes(communeCode));
}
