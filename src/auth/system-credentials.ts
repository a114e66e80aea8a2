import { z } from 'zod';
import { isSystemId, type SystemId } from '../connectors/system-id.js';

/** Per-system lists of credentials (webhook secrets, bearer tokens), several during a rotation. */
export type SystemCredentials = Partial<Record<SystemId, readonly string[]>>;

/**
 * Reads `provincial=whsec_A whsec_B; specialized=whsec_C`: entries separated by `;` or new
 * lines, each a system id, `=`, and one or more values separated by spaces or commas (base64
 * and `whsec_` secrets contain neither). A value may contain `=`; only the first one splits.
 */
export function systemCredentialsSchema(what: string, valueCheck?: (value: string) => string | null) {
  return z
    .string()
    .default('')
    .transform((text, ctx): SystemCredentials => {
      const result: Partial<Record<SystemId, string[]>> = {};
      for (const entry of text.split(/[;\n]/)) {
        if (entry.trim() === '') continue;
        const at = entry.indexOf('=');
        const system = (at < 0 ? entry : entry.slice(0, at)).trim();
        if (!isSystemId(system)) {
          ctx.addIssue({ code: 'custom', message: `unknown system "${system.slice(0, 40)}" in ${what} (expected system=value …)` });
          continue;
        }
        const values = at < 0 ? [] : entry.slice(at + 1).split(/[\s,]+/).filter(Boolean);
        if (values.length === 0) {
          ctx.addIssue({ code: 'custom', message: `no ${what} given for ${system}` });
          continue;
        }
        for (const value of values) {
          const problem = valueCheck?.(value) ?? null;
          if (problem) ctx.addIssue({ code: 'custom', message: `${what} of ${system}: ${problem}` });
        }
        result[system] = [...(result[system] ?? []), ...values];
      }
      return result;
    });
}
