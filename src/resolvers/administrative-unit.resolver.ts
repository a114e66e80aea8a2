import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../http/context.js';
import { requireCommuneCode, requireProvinceCode } from '../schema/arguments.js';
import { AdministrativeUnit, LegacyCommuneResolution, type UnitLevel } from '../schema/administrative-unit.type.js';
import { badUserInput } from '../schema/errors.js';
import type { AdministrativeUnitRow } from '../db/administrative-unit.repository.js';

@Resolver()
export class AdministrativeUnitResolver {
  @Query(() => [AdministrativeUnit], { description: 'The 34 provinces, or the communes of one province.' })
  async administrativeUnits(
    @Ctx() ctx: RequestContext,
    @Arg('provinceCode', () => String, { nullable: true }) provinceCode?: string | null,
  ): Promise<AdministrativeUnit[]> {
    const code = provinceCode === null || provinceCode === undefined ? null : requireProvinceCode(provinceCode);
    return (await ctx.services.units.list(code)).map(toUnit);
  }

  @Query(() => AdministrativeUnit, { nullable: true, description: 'A province (2 digits) or commune (5 digits) by code.' })
  async administrativeUnit(@Ctx() ctx: RequestContext, @Arg('code', () => String) code: string): Promise<AdministrativeUnit | null> {
    if (!/^(\d{2}|\d{5})$/.test(code)) throw badUserInput(`unit code must be 2 (province) or 5 (commune) digits; got "${code.slice(0, 40)}"`, 'code');
    const row = await ctx.services.units.byCode(code);
    return row ? toUnit(row) : null;
  }

  @Query(() => LegacyCommuneResolution, { nullable: true, description: 'The new commune(s) a pre-2025 commune code became part of.' })
  async resolveLegacyCommune(@Ctx() ctx: RequestContext, @Arg('oldCode', () => String) oldCode: string): Promise<LegacyCommuneResolution | null> {
    const result = await ctx.services.units.resolveLegacyCommune(requireCommuneCode(oldCode, 'oldCode'));
    if (!result) return null;
    return { ...result, candidates: result.candidates.map(toUnit), resolved: result.resolved ? toUnit(result.resolved) : null };
  }
}

export function toUnit(row: AdministrativeUnitRow): AdministrativeUnit {
  return { code: row.code, level: row.level as UnitLevel, name: row.name, placeType: row.placeType, provinceCode: row.provinceCode };
}
