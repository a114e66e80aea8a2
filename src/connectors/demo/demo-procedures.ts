import { PROCEDURES } from '../../domain/procedures.js';

/** A catalogued procedure with the demo's share of daily intake. */
export interface DemoProcedure {
  code: string;
  name: string;
  /** Working days from the day after receipt to the appointment date. */
  processingDays: number;
  weight: number;
}

/**
 * Share of a commune's civil-status intake per procedure: births, copies of extracts and
 * marital-status certificates dominate. Illustrative, not a statistic.
 */
const INTAKE_WEIGHTS: Readonly<Record<string, number>> = {
  '1.001193': 24,
  '1.000689': 3,
  '1.003583': 1,
  '1.004884': 4,
  '1.000894': 10,
  '1.004746': 1,
  '1.004873': 16,
  '1.000656': 10,
  '1.005461': 1,
  '1.004859': 7,
  '1.004837': 1,
  '2.000635': 22,
};

/** The civil-status procedures of the domain catalogue that communes receive, with weights. */
export const DEMO_PROCEDURES: readonly DemoProcedure[] = PROCEDURES.filter(
  (procedure) => INTAKE_WEIGHTS[procedure.code] !== undefined,
).map((procedure) => ({
  code: procedure.code,
  name: procedure.name,
  processingDays: procedure.processingWorkingDays,
  weight: INTAKE_WEIGHTS[procedure.code] ?? 0,
}));
