import type { DemoDossier, DemoDrift, DemoDuplicate } from './demo-dataset.js';
import { legacyCommunesOf, type ProvinceLegacyCommunes } from './demo-legacy-communes.js';
import { dueDate } from './vietnam-calendar.js';
import { pickOne } from './weighted-choice.js';

/** Shares of all dossiers given each kind of copy drift. */
export interface CopyDriftRates {
  /** The ministry's copy holds another due date (DUE_DATE_DIVERGED). */
  dueDate: number;
  /** The provincial copy reports a pre-2025 commune code that went whole into the dossier's commune. */
  legacyCommune: number;
  /** The provincial copy reports a pre-2025 commune code split among several communes (UNIT_UNMAPPED). */
  ambiguousCommune: number;
  /** The provincial system holds the dossier a second time under another code (DUPLICATE). */
  duplicate: number;
}

export const DEFAULT_COPY_DRIFT_RATE = 0.005;

/** The expected class of a drift record the hub should open no mismatch for. */
export const NO_MISMATCH_EXPECTED = 'NONE';

/** Working days the ministry counted differently: a shorter or an extended processing time. */
const DUE_DAY_SHIFTS = [-2, -1, 1, 2, 3, 5] as const;

export interface CopyDriftInput {
  /** In draw order, numbered. Copies of the dossiers picked are changed in place. */
  dossiers: readonly DemoDossier[];
  /** 1 for a dossier that already drifts; the dossiers picked here are marked too. */
  taken: Uint8Array;
  processingDays: ReadonlyMap<string, number>;
  rates: CopyDriftRates;
  random: () => number;
  /** A national code of the dossier's unit and day with a counter not used yet; null when the day is full. */
  nextCode: (draftIndex: number) => string | null;
}

export interface CopyDrift {
  /** Ground-truth records by draft index. */
  drift: [number, DemoDrift][];
  duplicates: [number, DemoDuplicate][];
}

/**
 * Draws copy drift among dossiers whose copies agree: a fixed count per kind (the rate times the
 * number of dossiers, fewer when too few dossiers qualify), without replacement, each dossier at
 * most one kind. Every draw comes after the main build's, so adding these leaves the dossiers,
 * codes and status drift of a seed as they were.
 *
 * Ambiguous legacy codes are rare in the source data (three in the country: a split commune of
 * Hà Nội, Sơn La and Đồng Nai); provinces without one get none of that kind.
 */
export function drawCopyDrift(input: CopyDriftInput): CopyDrift {
  const { dossiers, taken, random } = input;
  const result: CopyDrift = { drift: [], duplicates: [] };
  const legacy = new Map<string, ProvinceLegacyCommunes>();
  const legacyOf = (dossier: DemoDossier): ProvinceLegacyCommunes => {
    let found = legacy.get(dossier.provinceCode);
    if (!found) {
      found = legacyCommunesOf(dossier.provinceCode);
      legacy.set(dossier.provinceCode, found);
    }
    return found;
  };
  const candidates = new Uint32Array(dossiers.length);

  const draw = (rate: number, eligible: (dossier: DemoDossier) => boolean, apply: (draftIndex: number) => void): void => {
    const target = Math.round(rate * dossiers.length);
    if (target === 0) return;
    let count = 0;
    dossiers.forEach((dossier, draftIndex) => {
      if (taken[draftIndex] === 0 && eligible(dossier)) candidates[count++] = draftIndex;
    });
    const picks = Math.min(target, count);
    for (let pick = 0; pick < picks; pick += 1) {
      // Partial Fisher–Yates: the first `picks` slots end up a uniform sample without replacement.
      const swap = pick + Math.floor(random() * (count - pick));
      const draftIndex = candidates[swap] ?? 0;
      candidates[swap] = candidates[pick] ?? 0;
      candidates[pick] = draftIndex;
      taken[draftIndex] = 1;
      apply(draftIndex);
    }
  };

  draw(
    input.rates.dueDate,
    (dossier) =>
      dossier.provincial !== null &&
      dossier.specialized !== null &&
      dossier.receivedAtMs !== null &&
      dossier.dueAtMs !== null &&
      dossier.status !== 'SUBMITTED',
    (draftIndex) => {
      const dossier = dossiers[draftIndex] as DemoDossier;
      const specialized = dossier.specialized;
      if (!specialized || dossier.receivedAtMs === null) return;
      const days = input.processingDays.get(dossier.procedureCode) ?? 0;
      const shift = pickOne(DUE_DAY_SHIFTS, random);
      // Another count of working days from the same receipt: always another appointment day.
      specialized.dueAtMs = dueDate(dossier.receivedAtMs, days + shift >= 0 ? days + shift : days - shift);
      result.drift.push([
        draftIndex,
        {
          ...base(dossier),
          kind: 'DUE_DATE_DIVERGED',
          expectedClass: 'DUE_DATE_DIVERGED',
          laggingSystem: 'specialized',
          ...(dossier.dueAtMs === null ? {} : { provincialDueAtMs: dossier.dueAtMs }),
          specializedDueAtMs: specialized.dueAtMs,
        },
      ]);
    },
  );

  draw(
    input.rates.legacyCommune,
    (dossier) => dossier.provincial !== null && legacyOf(dossier).unambiguousByCommune.has(dossier.communeCode),
    (draftIndex) => {
      const dossier = dossiers[draftIndex] as DemoDossier;
      const codes = legacyOf(dossier).unambiguousByCommune.get(dossier.communeCode);
      if (!dossier.provincial || !codes) return;
      const reported = pickOne(codes, random);
      dossier.provincial.communeCode = reported;
      result.drift.push([
        draftIndex,
        {
          ...base(dossier),
          kind: 'LEGACY_COMMUNE_UNAMBIGUOUS',
          // The hub maps a code that went whole into one commune itself: no mismatch is expected.
          expectedClass: NO_MISMATCH_EXPECTED,
          reportedCommuneCode: reported,
          mappedCommuneCode: dossier.communeCode,
        },
      ]);
    },
  );

  draw(
    input.rates.ambiguousCommune,
    (dossier) => dossier.provincial !== null && legacyOf(dossier).ambiguousByCommune.has(dossier.communeCode),
    (draftIndex) => {
      const dossier = dossiers[draftIndex] as DemoDossier;
      const entries = legacyOf(dossier).ambiguousByCommune.get(dossier.communeCode);
      if (!dossier.provincial || !entries) return;
      const reported = pickOne(entries, random);
      dossier.provincial.communeCode = reported.code;
      result.drift.push([
        draftIndex,
        {
          ...base(dossier),
          kind: 'LEGACY_COMMUNE_AMBIGUOUS',
          expectedClass: 'UNIT_UNMAPPED',
          laggingSystem: 'provincial',
          reportedCommuneCode: reported.code,
          candidateCommuneCodes: [...reported.candidates],
        },
      ]);
    },
  );

  // Only a received dossier has the receipt instant that tells a duplicate record from a second filing.
  draw(
    input.rates.duplicate,
    (dossier) => dossier.provincial !== null && dossier.receivedAtMs !== null,
    (draftIndex) => {
      const dossier = dossiers[draftIndex] as DemoDossier;
      const duplicateCode = input.nextCode(draftIndex);
      if (duplicateCode === null) return;
      result.duplicates.push([draftIndex, { dossierCode: dossier.code, duplicateCode }]);
      result.drift.push([
        draftIndex,
        { ...base(dossier), kind: 'DUPLICATE', expectedClass: 'DUPLICATE', laggingSystem: 'provincial', duplicateCode },
      ]);
    },
  );
  return result;
}

function base(dossier: DemoDossier): Pick<DemoDrift, 'dossierCode' | 'provincialStatus' | 'specializedStatus'> {
  return {
    dossierCode: dossier.code,
    ...(dossier.provincial ? { provincialStatus: dossier.provincial.status } : {}),
    ...(dossier.specialized ? { specializedStatus: dossier.specialized.status } : {}),
  };
}
